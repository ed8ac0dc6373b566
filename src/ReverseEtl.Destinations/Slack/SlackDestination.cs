using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>One Slack workspace connection: its API client (through <see cref="DestinationHttp"/>) and its DM cache.</summary>
internal sealed partial class SlackDestination : IDestination
{
    private static readonly RefitSettings BaseSettings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    }));

    private readonly ConnectionSettings _connection;
    private readonly ITemplateCompiler _templates;
    private readonly ISlackApi _api;
    private readonly ConcurrentDictionary<string, string?> _directChannels = new(StringComparer.OrdinalIgnoreCase);

    public SlackDestination(ConnectionSettings connection, SlackConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger)
    {
        (_connection, _templates) = (connection, templates);
        DryRunTarget? dryRun = null;
        if (options.Token is null)
        {
            DryRunOutboxPath = Path.Combine(connection.Paths.OutboxDirectory, $"{connection.Name}.jsonl");
            dryRun = new DryRunTarget(DryRunOutboxPath, SlackDryRun.Respond);
            LogDryRun(logger, connection.Name, DryRunOutboxPath);
        }

        var policy = new SlackHttpPolicy();
        var client = http.CreateClient(
            new HttpConnection(policy, connection.Name, options.Token ?? connection.Name, options.Http.RateLimit ?? policy.DefaultRateLimit, options.Http.AttemptTimeout, dryRun),
            options.Http.BaseUrl);
        var settings = new RefitSettings(BaseSettings.ContentSerializer)
        {
            AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(options.Token ?? "dry-run"),
        };
        _api = RestService.For<ISlackApi>(client, settings);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems);
        return problems.Count == 0
            ? new SlackWriter(_connection.Name, _api, template, _directChannels)
            : throw new DestinationException($"sync '{sync.Name}': {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");
    }

    [LoggerMessage(2000, LogLevel.Warning, "Slack connection {Connection} has no token: dry run, requests are written to {Outbox}")]
    private static partial void LogDryRun(ILogger logger, string connection, string outbox);
}
