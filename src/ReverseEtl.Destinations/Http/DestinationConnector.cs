using System.Text.Json;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>What every destination connector does alike: collect a section's problems, and require the sync's section.</summary>
public abstract class DestinationConnector : IDestinationConnector
{
    public abstract string Type { get; }

    public abstract DestinationCapabilities Capabilities { get; }

    /// <summary>What the sync's section must name, for the message when it is missing, e.g. "with the message".</summary>
    protected abstract string SectionHint { get; }

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        CheckConnection(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, $"the sync needs a '{Type}' section {SectionHint}")];
        }

        var problems = new List<ConfigProblem>();
        CheckSync(sync, problems);
        return problems;
    }

    public abstract IDestination Create(ConnectionSettings connection);

    /// <summary>The error for a writer asked of a sync whose section is invalid (validation normally stops that first).</summary>
    public static DestinationException Invalid(SyncSettings sync, IEnumerable<ConfigProblem> problems) =>
        new($"sync '{sync?.Name}': {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}");

    protected abstract void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems);

    protected abstract void CheckSync(SyncSettings sync, List<ConfigProblem> problems);
}
