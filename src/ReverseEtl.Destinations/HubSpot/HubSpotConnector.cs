using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>HubSpot CRM destination: objects created or updated in batches of up to 100 by a unique property.</summary>
public sealed class HubSpotConnector(DestinationHttp http, TimeProvider time, ILoggerFactory loggers) : DestinationConnector
{
    public const int MaxBatchSize = 100;

    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "hubspot";

    public override string Type => TypeName;

    public override DestinationCapabilities Capabilities { get; } =
        new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.UpdateOnly, SyncMode.CreateOnly, SyncMode.Mirror }, MaxBatchSize);

    protected override string SectionHint => "naming the object and id_property";

    protected override void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems) => HubSpotConnectionOptions.From(connection, problems);

    protected override void CheckSync(SyncSettings sync, List<ConfigProblem> problems) => HubSpotSyncOptions.From(sync, problems);

    public override IDestination Create(ConnectionSettings connection) =>
        new HubSpotDestination(connection, HubSpotConnectionOptions.From(connection), http, time, loggers.CreateLogger<HubSpotDestination>());
}

public static class HubSpotServiceCollectionExtensions
{
    /// <summary>Registers the <c>hubspot</c> destination connector, keyed by its type, and its HTTP client.</summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services) => services
        .AddDestinationHttp(new HubSpotHttpPolicy())
        .AddDestinationConnector<HubSpotConnector>(HubSpotConnector.TypeName);
}
