using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// One upsert sync (model <c>m</c>, key <c>id</c>; <c>diff: warehouse</c> unless told) over a scripted warehouse: every
/// event its diff gives against the stored records given, as a run (not a plan) reads them.
/// </summary>
internal static class WarehouseDiffKit
{
    /// <param name="warehouse">The scripted warehouse, of type <c>duckdb</c>.</param>
    /// <param name="connection">The warehouse connection's settings, e.g. <c>{ duckdb: { path: wh.duckdb } }</c>.</param>
    /// <param name="records">The records stored when the run began.</param>
    /// <param name="log">Where the run's lines go.</param>
    /// <param name="diff">The sync's <c>diff</c>.</param>
    /// <param name="events">Where the events go as they come (those before a failure too); a new list if none.</param>
    /// <param name="source">Given the diff's source before it is read, to look at once it was.</param>
    public static async Task<List<DiffEvent>> ReadAllAsync(
        IWarehouseConnector warehouse, string connection, SavedRecords records, ListLogger log, string diff = "warehouse", List<DiffEvent>? events = null,
        Action<ChangeSource>? source = null)
    {
        var catalog = new ConnectorCatalog([warehouse], [new RecordingDestination("hubspot", 100, SyncMode.Upsert)]);
        var (project, errors) = DefinitionText.Build(catalog, $$"""
            version: 1
            connections:
              wh: {{connection}}
              d: { hubspot: { token: "" } }
            models:
              m: { connection: wh, primary_key: id, sql: "select id, name from accounts" }
            syncs:
              s: { model: m, destination: d, mode: upsert, diff: {{diff}} }
            """);
        Assert.Empty(errors);
        await using var runtime = new ProjectRuntime(project, catalog);
        var context = new SyncRunContext(runtime, project.Syncs["s"], new SavedState(records, new Dictionary<string, string>()), log) { RunId = 7 };
        events ??= [];
        var changes = new ChangeSource(context);
        source?.Invoke(changes);
        await foreach (var item in changes.ReadAsync(CancellationToken.None))
        {
            events.Add(item);
        }

        return events;
    }

    /// <summary>The payload hash the sync gives a model row (<c>id</c>, <c>name</c>): a stored record with it is unchanged.</summary>
    public static ulong PayloadHash(string id, string? name) => PayloadJson.Hash(new Dictionary<string, object?> { ["id"] = id, ["name"] = name });
}
