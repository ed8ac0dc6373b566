using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// One sync over an in-memory warehouse (columns id, name, and the trigger condition's result), a recording
/// destination and an in-memory state: the run pipeline with nothing outside the process.
/// </summary>
internal sealed class RunKit
{
    public static readonly WarehouseColumn[] Columns = [new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")];

    /// <param name="sync">The sync's keys after <c>model: m, destination: d</c>, e.g. <c>mode: upsert</c>.</param>
    /// <param name="rows">Rows of (id, name, matches).</param>
    public RunKit(string sync, params object?[][] rows)
        : this(sync, new MemoryWarehouse(Columns, rows))
    {
    }

    /// <param name="sync">The sync's keys after <c>model: m, destination: d</c>.</param>
    /// <param name="warehouse">The model's warehouse, in place of the in-memory one.</param>
    public RunKit(string sync, IWarehouseConnector warehouse)
    {
        _warehouse = warehouse;
        var catalog = new ConnectorCatalog([warehouse], [Destination]);
        var (project, errors) = DefinitionText.Build(catalog, $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              d: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: id, sql: "select id, name from accounts;" }
            syncs:
              s: { model: m, destination: d, {{sync}} }
            """);
        Assert.Empty(errors);
        Runtime = new ProjectRuntime(project, catalog);
        Sync = project.Syncs["s"];
    }

    private readonly IWarehouseConnector _warehouse;

    public MemoryWarehouse Warehouse => _warehouse as MemoryWarehouse ?? throw new InvalidOperationException("this kit was given a warehouse of its own");

    public RecordingDestination Destination { get; } = new("hubspot", 2, SyncMode.Trigger, SyncMode.Upsert, SyncMode.Mirror, SyncMode.CreateOnly, SyncMode.UpdateOnly);

    public MemoryStateStore State { get; } = new();

    public ListLogger Log { get; } = new();

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public ProjectRuntime Runtime { get; }

    public SyncDefinition Sync { get; }

    public SyncRunContext Context() => new(Runtime, Sync, new SavedState(SavedRecords.Of(new Dictionary<string, RecordState>(State.Records)), State.Columns), Log) { RunId = 7 };

    public Task<SyncRunReport> RunAsync() => new SyncRunner(State, Time, Log.For<SyncRunner>()).RunAsync(Runtime, Sync, CancellationToken.None);

    public Task<SyncPlan> PlanAsync() => new SyncPlanner(State, Log.For<SyncPlanner>()).PlanAsync(Runtime, Sync, samples: 2, CancellationToken.None);

    public static object?[] Row(string? id, string? name, bool matches = true) => [id, name, matches];
}

/// <summary>A logger that keeps each entry's event id and message.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(int Id, string Message)> Entries { get; } = [];

    public ILogger<T> For<T>() => new Typed<T>(this);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((eventId.Id, formatter(state, exception)));
        }
    }

    private sealed class Typed<T>(ListLogger inner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
