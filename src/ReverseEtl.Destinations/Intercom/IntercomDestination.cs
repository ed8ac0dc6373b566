using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>One Intercom workspace connection: its API client, with Intercom-Version pinned on every request.</summary>
internal sealed class IntercomDestination : IDestination, IDestinationFieldReferences
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly IIntercomApi _api;

    public IntercomDestination(ConnectionSettings connection, IntercomConnectionOptions options, DestinationHttp http, ILogger logger)
    {
        _connection = connection;
        var spec = new VendorApiSpec(new IntercomHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, IntercomDryRun.Respond, Json)
        {
            Headers = new Dictionary<string, string> { ["Intercom-Version"] = options.Version, ["Accept"] = "application/json" },
        };
        (_api, DryRunOutboxPath) = http.CreateApi<IIntercomApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = IntercomSyncOptions.From(sync, problems);
        if (problems.Count > 0)
        {
            throw DestinationConnector.Invalid(sync, problems);
        }

        ISyncWriter writer = options.Kind == IntercomObjectKind.Events
            ? new IntercomEventWriter(_connection.Name, _api, options)
            : new IntercomContactWriter(_connection.Name, _api, options);
        return Credentials.Checked(writer, _connection, "token");
    }

    public IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync) => IntercomFieldReferences.Of(sync);
}
