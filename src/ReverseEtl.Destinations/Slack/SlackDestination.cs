using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.DryRun;

namespace ReverseEtl.Destinations.Slack;

/// <summary>One Slack workspace connection: its HTTP pipeline (retries honouring Retry-After), its API client and its DM cache.</summary>
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

    public SlackDestination(ConnectionSettings connection, SlackConnectionOptions options, ITemplateCompiler templates, TimeProvider time, ILogger logger)
    {
        (_connection, _templates) = (connection, templates);
        HttpMessageHandler transport;
        if (options.Token is null)
        {
            DryRunOutboxPath = Path.Combine(connection.Paths.OutboxDirectory, $"{connection.Name}.jsonl");
            transport = new DryRunOutboxHandler(DryRunOutboxPath, SlackDryRun.Respond, time);
            LogDryRun(logger, connection.Name, DryRunOutboxPath);
        }
        else
        {
            transport = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        }

        var http = new HttpClient(new ResilienceHandler(Pipeline(options, time)) { InnerHandler = transport })
        {
            BaseAddress = options.BaseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var settings = new RefitSettings(BaseSettings.ContentSerializer)
        {
            AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(options.Token ?? "dry-run"),
        };
        _api = RestService.For<ISlackApi>(http, settings);
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

    /// <summary>Retries 429 (after Retry-After), 5xx and connection failures; each attempt has its own timeout.</summary>
    private static ResiliencePipeline<HttpResponseMessage> Pipeline(SlackConnectionOptions options, TimeProvider time) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(60),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
                    { Result: { } r } => (int)r.StatusCode >= 500,
                    { Exception: HttpRequestException } => true,
                    _ => false,
                }),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();

    [LoggerMessage(2000, LogLevel.Warning, "Slack connection {Connection} has no token: dry run, requests are written to {Outbox}")]
    private static partial void LogDryRun(ILogger logger, string connection, string outbox);
}
