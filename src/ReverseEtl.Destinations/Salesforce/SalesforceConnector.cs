using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>Salesforce destination: sObject Collections upsert by external id (and delete, for mirror), up to 200 records a call.</summary>
public sealed class SalesforceConnector(DestinationHttp http, TimeProvider time, ILoggerFactory loggers) : IDestinationConnector
{
    public const int MaxBatchSize = 200;

    public string Type => "salesforce";

    public DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.Mirror }, MaxBatchSize);

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        SalesforceConnectionOptions.From(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, "the sync needs a 'salesforce' section naming the sobject and external_id_field")];
        }

        var problems = new List<ConfigProblem>();
        SalesforceSyncOptions.From(sync, problems);
        return problems;
    }

    public IDestination Create(ConnectionSettings connection) =>
        new SalesforceDestination(connection, SalesforceConnectionOptions.From(connection), http, time, loggers.CreateLogger<SalesforceDestination>());
}

public static class SalesforceServiceCollectionExtensions
{
    /// <summary>Registers the <c>salesforce</c> destination connector and its HTTP client.</summary>
    public static IServiceCollection AddSalesforce(this IServiceCollection services) => services
        .AddDestinationHttp(new SalesforceHttpPolicy())
        .AddSingleton<IDestinationConnector, SalesforceConnector>();
}
