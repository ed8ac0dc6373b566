using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>A warehouse connector that only validates: it returns the problems it was given.</summary>
internal sealed class FakeWarehouseConnector(string type, params ConfigProblem[] problems) : IWarehouseConnector
{
    public string Type => type;

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => problems;

    public IWarehouse Create(ConnectionSettings connection) => throw new NotSupportedException("unit tests never query a warehouse");
}

/// <summary>A destination connector with chosen modes and validation; it never sends anything.</summary>
internal sealed class FakeDestinationConnector(string type, params SyncMode[] modes) : IDestinationConnector
{
    public string Type => type;

    public DestinationCapabilities Capabilities { get; } = new(modes.ToHashSet(), 100);

    public Func<ConnectionSettings, IReadOnlyList<ConfigProblem>> ConnectionProblems { get; init; } = _ => [];

    public Func<SyncSettings, IReadOnlyList<ConfigProblem>> SyncProblems { get; init; } = _ => [];

    public List<SyncSettings> ValidatedSyncs { get; } = [];

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection) => ConnectionProblems(connection);

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        ValidatedSyncs.Add(sync);
        return SyncProblems(sync);
    }

    public IDestination Create(ConnectionSettings connection) => throw new NotSupportedException("unit tests never send");

    /// <summary>Like Slack: a sync needs a section with a 'text' key.</summary>
    public static IReadOnlyList<ConfigProblem> RequireText(SyncSettings sync) =>
        sync.Options.ValueKind == JsonValueKind.Object && sync.Options.TryGetProperty("text", out _)
            ? []
            : [new ConfigProblem("text", "missing required key 'text'")];
}

/// <summary>Catalogs of fakes named like the schema's connection types (the schema admits only those).</summary>
internal static class FakeCatalog
{
    /// <summary>duckdb and postgres warehouses; slack (trigger, needs text) and hubspot (upsert, mirror) destinations.</summary>
    public static ConnectorCatalog Standard(params ConfigProblem[] postgresProblems) => new(
        [new FakeWarehouseConnector("duckdb"), new FakeWarehouseConnector("postgres", postgresProblems)],
        [Slack(), new FakeDestinationConnector("hubspot", SyncMode.Upsert, SyncMode.Mirror)]);

    public static FakeDestinationConnector Slack() =>
        new("slack", SyncMode.Trigger) { SyncProblems = FakeDestinationConnector.RequireText };

    public static ConnectorCatalog With(params IDestinationConnector[] destinations) =>
        new([new FakeWarehouseConnector("duckdb")], destinations);
}
