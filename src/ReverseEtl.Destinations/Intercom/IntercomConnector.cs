using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>Intercom destination: contacts (upsert, with company and tags) and data events (trigger).</summary>
public sealed class IntercomConnector(DestinationHttp http, ILoggerFactory loggers) : DestinationConnector
{
    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "intercom";

    public override string Type => TypeName;

    // Intercom has no batch endpoint: a batch is a run of single calls, acknowledged together.
    public override DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.Trigger }, MaxBatchSize: 50);

    protected override string SectionHint => "naming the object and its fields";

    protected override void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems) => IntercomConnectionOptions.From(connection, problems);

    protected override void CheckSync(SyncSettings sync, List<ConfigProblem> problems) => IntercomSyncOptions.From(sync, problems);

    public override IDestination Create(ConnectionSettings connection) =>
        new IntercomDestination(connection, IntercomConnectionOptions.From(connection), http, loggers.CreateLogger<IntercomDestination>());
}

public static class IntercomServiceCollectionExtensions
{
    /// <summary>Registers the <c>intercom</c> destination connector, keyed by its type, and its HTTP client.</summary>
    public static IServiceCollection AddIntercom(this IServiceCollection services) => services
        .AddDestinationHttp(new IntercomHttpPolicy())
        .AddDestinationConnector<IntercomConnector>(IntercomConnector.TypeName);
}
