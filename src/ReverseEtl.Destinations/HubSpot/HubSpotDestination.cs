using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>One HubSpot account connection: its API client (through <see cref="DestinationHttp"/>).</summary>
internal sealed partial class HubSpotDestination : IDestination
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly IHubSpotApi _api;

    public HubSpotDestination(ConnectionSettings connection, HubSpotConnectionOptions options, DestinationHttp http, ILogger logger)
    {
        _connection = connection;
        DryRunTarget? dryRun = null;
        if (options.Token is null)
        {
            DryRunOutboxPath = Path.Combine(connection.Paths.OutboxDirectory, $"{connection.Name}.jsonl");
            dryRun = new DryRunTarget(DryRunOutboxPath, HubSpotDryRun.Respond);
            LogDryRun(logger, connection.Name, DryRunOutboxPath);
        }

        var policy = new HubSpotHttpPolicy();
        var client = http.CreateClient(
            new HttpConnection(policy, connection.Name, options.Token ?? connection.Name, options.Http.RateLimit ?? policy.DefaultRateLimit, options.Http.AttemptTimeout, dryRun),
            options.Http.BaseUrl);
        _api = RestService.For<IHubSpotApi>(client, new RefitSettings(new SystemTextJsonContentSerializer(Json))
        {
            AuthorizationHeaderValueGetter = (_, _) => ValueTask.FromResult(options.Token ?? "dry-run"),
        });
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = HubSpotSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? new HubSpotWriter(_connection.Name, _api, options, sync.Mode)
            : throw new DestinationException($"sync '{sync.Name}': {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");
    }

    [LoggerMessage(2100, LogLevel.Warning, "HubSpot connection {Connection} has no token: dry run, requests are written to {Outbox}")]
    private static partial void LogDryRun(ILogger logger, string connection, string outbox);
}
