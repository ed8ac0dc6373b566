using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>HubSpot CRM destination: objects created or updated in batches of up to 100 by a unique property.</summary>
public sealed class HubSpotConnector(DestinationHttp http, ILoggerFactory loggers) : IDestinationConnector
{
    public const int MaxBatchSize = 100;

    public string Type => "hubspot";

    public DestinationCapabilities Capabilities { get; } =
        new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.UpdateOnly, SyncMode.CreateOnly, SyncMode.Mirror }, MaxBatchSize);

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        HubSpotConnectionOptions.From(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, "the sync needs a 'hubspot' section naming the object and id_property")];
        }

        var problems = new List<ConfigProblem>();
        HubSpotSyncOptions.From(sync, problems);
        return problems;
    }

    public IDestination Create(ConnectionSettings connection) =>
        new HubSpotDestination(connection, HubSpotConnectionOptions.From(connection), http, loggers.CreateLogger<HubSpotDestination>());
}

public static class HubSpotServiceCollectionExtensions
{
    /// <summary>Registers the <c>hubspot</c> destination connector and its HTTP client.</summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services) => services
        .AddDestinationHttp(new HubSpotHttpPolicy())
        .AddSingleton<IDestinationConnector, HubSpotConnector>();
}
