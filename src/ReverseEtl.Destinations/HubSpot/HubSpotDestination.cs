using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>One HubSpot account connection: its API client (through <see cref="DestinationHttp"/>), and its objects' property lists.</summary>
internal sealed class HubSpotDestination : IDestination, IDestinationFieldCheck, IDestinationFieldReferences, IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly IHubSpotApi _api;
    private readonly VendorFieldCache<IReadOnlySet<string>> _properties;

    public HubSpotDestination(ConnectionSettings connection, HubSpotConnectionOptions options, DestinationHttp http, TimeProvider time, ILogger logger)
    {
        (_connection, _properties) = (connection, new VendorFieldCache<IReadOnlySet<string>>(time, StringComparer.Ordinal));
        var spec = new VendorApiSpec(new HubSpotHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, HubSpotDryRun.Respond, Json);
        (_api, DryRunOutboxPath) = http.CreateApi<IHubSpotApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = HubSpotSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? Credentials.Checked(new HubSpotWriter(_connection.Name, _api, options, sync.Mode, _properties), _connection, "token")
            : throw DestinationConnector.Invalid(sync, problems);
    }

    public Task<FieldCheckResult> CheckFieldsAsync(SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        Credentials.CheckedAsync(() => HubSpotFieldCheck.CheckAsync(_connection.Name, _api, _properties, DryRunOutboxPath is not null, sync, fields, cancellationToken),
            _connection, "token");

    public IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync) => HubSpotFieldCheck.FieldsRead(sync);

    public void Dispose() => _properties.Dispose();
}
