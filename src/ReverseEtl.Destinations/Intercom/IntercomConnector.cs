using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>Intercom destination: contacts (upsert, with company and tags) and data events (trigger).</summary>
public sealed class IntercomConnector(DestinationHttp http, ILoggerFactory loggers) : IDestinationConnector
{
    public string Type => "intercom";

    // Intercom has no batch endpoint: a batch is a run of single calls, acknowledged together.
    public DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Upsert, SyncMode.Trigger }, MaxBatchSize: 50);

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        IntercomConnectionOptions.From(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, "the sync needs an 'intercom' section naming the object and its fields")];
        }

        var problems = new List<ConfigProblem>();
        IntercomSyncOptions.From(sync, problems);
        return problems;
    }

    public IDestination Create(ConnectionSettings connection) =>
        new IntercomDestination(connection, IntercomConnectionOptions.From(connection), http, loggers.CreateLogger<IntercomDestination>());
}

public static class IntercomServiceCollectionExtensions
{
    /// <summary>Registers the <c>intercom</c> destination connector and its HTTP client.</summary>
    public static IServiceCollection AddIntercom(this IServiceCollection services) => services
        .AddDestinationHttp(new IntercomHttpPolicy())
        .AddSingleton<IDestinationConnector, IntercomConnector>();
}
