using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>One HubSpot account connection: its API client (through <see cref="DestinationHttp"/>).</summary>
internal sealed class HubSpotDestination : IDestination, IDestinationFieldCheck, IDestinationFieldReferences
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
        var spec = new VendorApiSpec(new HubSpotHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, HubSpotDryRun.Respond, Json);
        (_api, DryRunOutboxPath) = http.CreateApi<IHubSpotApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = HubSpotSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? Credentials.Checked(new HubSpotWriter(_connection.Name, _api, options, sync.Mode), _connection, "token")
            : throw DestinationConnector.Invalid(sync, problems);
    }

    public Task<FieldCheckResult> CheckFieldsAsync(SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        HubSpotFieldCheck.CheckAsync(_connection.Name, _api, DryRunOutboxPath is not null, sync, fields, cancellationToken);

    public IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync) => HubSpotFieldCheck.FieldsRead(sync);
}
