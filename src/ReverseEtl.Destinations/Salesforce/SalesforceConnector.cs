using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>Salesforce destination: sObject Collections upsert by external id (and delete, for mirror), up to 200 records a call.</summary>
public sealed class SalesforceConnector(DestinationHttp http, TimeProvider time, ILoggerFactory loggers) : DestinationConnector
{
    public const int MaxBatchSize = 200;

    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "salesforce";

    public override string Type => TypeName;

    public override DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.Mirror }, MaxBatchSize);

    protected override string SectionHint => "naming the sobject and external_id_field";

    protected override void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems) => SalesforceConnectionOptions.From(connection, problems);

    protected override void CheckSync(SyncSettings sync, List<ConfigProblem> problems) => SalesforceSyncOptions.From(sync, problems);

    public override IDestination Create(ConnectionSettings connection) =>
        new SalesforceDestination(connection, SalesforceConnectionOptions.From(connection), http, time, loggers.CreateLogger<SalesforceDestination>());
}

public static class SalesforceServiceCollectionExtensions
{
    /// <summary>Registers the <c>salesforce</c> destination connector, keyed by its type, and its HTTP client.</summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services) => services
        .AddDestinationHttp(new SalesforceHttpPolicy())
        .AddDestinationConnector<SalesforceConnector>(SalesforceConnector.TypeName);
}
