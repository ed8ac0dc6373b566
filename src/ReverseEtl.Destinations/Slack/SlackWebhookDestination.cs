using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Posts to an incoming webhook's URL; the channel is fixed by the webhook.</summary>
internal interface ISlackWebhookApi
{
    [Post("")]
    Task<IApiResponse<string>> PostAsync([Body] SlackWebhookMessage message, CancellationToken cancellationToken);
}

internal sealed record SlackWebhookMessage(
    string Text,
    JsonArray? Blocks = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("unfurl_links")] bool? UnfurlLinks = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("unfurl_media")] bool? UnfurlMedia = null);

/// <summary>One incoming webhook: its client (through <see cref="DestinationHttp"/>). The URL is the secret: it is never logged.</summary>
internal sealed partial class SlackWebhookDestination : IDestination
{
    private readonly ConnectionSettings _connection;
    private readonly ITemplateCompiler _templates;
    private readonly ISlackWebhookApi _api;

    public SlackWebhookDestination(ConnectionSettings connection, SlackWebhookConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger)
    {
        (_connection, _templates) = (connection, templates);
        DryRunTarget? dryRun = null;
        var url = options.Url;
        if (url is null)
        {
            DryRunOutboxPath = Path.Combine(connection.Paths.OutboxDirectory, $"{connection.Name}.jsonl");
            dryRun = new DryRunTarget(DryRunOutboxPath, (_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok", Encoding.UTF8, "text/plain") });
            url = new Uri("https://hooks.slack.com/services/dry-run");
            LogDryRun(logger, connection.Name, DryRunOutboxPath);
        }

        var policy = new SlackWebhookHttpPolicy();
        var client = http.CreateClient(
            new HttpConnection(policy, connection.Name, url.ToString(), options.Http.RateLimit ?? policy.DefaultRateLimit, options.Http.AttemptTimeout, dryRun), url);
        _api = RestService.For<ISlackWebhookApi>(client, new RefitSettings(new SystemTextJsonContentSerializer(new(System.Text.Json.JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        })));
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems, needsRecipient: false);
        return problems.Count == 0
            ? new SlackWebhookWriter(_connection.Name, _api, template)
            : throw new DestinationException($"sync '{sync.Name}': {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");
    }

    [LoggerMessage(2200, LogLevel.Warning, "Slack webhook connection {Connection} has no url: dry run, requests are written to {Outbox}")]
    private static partial void LogDryRun(ILogger logger, string connection, string outbox);
}
