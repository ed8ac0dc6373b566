using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// A diff statement against the snapshot that the warehouse fails does not fail the run, nor every run after it: the
/// snapshot only filters, so the run diffs without it, with the worker's diff's changes, and updates it as usual.
/// </summary>
public sealed class SnapshotFallbackTests
{
    // DuckDB's join of 200,000 snapshot keys and sort of the 200,000 rows whose row hash moved does not fit 64MB (one
    // thread: the same on any machine), where reading every row whole does; at a million rows 96MB (a snapshot connection's default before it is doubled) fails alike.
    private const string Yaml = """
        version: 1
        connections:
          wh: { duckdb: { path: wh.duckdb, memory_limit: 64MB, snapshot: { schema: retl_state } } }
          snapshot: { hubspot: { token: "" } }
        models:
          accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
        syncs:
          by-snapshot:
            model: accounts
            destination: snapshot
            mode: upsert
            diff: warehouse
            limits: { updates: none }
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
            hubspot: { object: companies, id_property: product_account_id }
        """;

    // Every row's unmapped column edited: every row hash moves, so the statement returns every row and fails; the run
    // reads every row whole instead, sends nothing (no payload changed) and moves the row hashes, in the state and the
    // snapshot, which the next run uses again.
    [Fact]
    public async Task Run_EveryRowHashMovedAndTheStatementOutOfMemory_DiffedWithoutTheSnapshotThenSnapshotUsed()
    {
        await using var project = new TestProject().WithFile("project.yaml", Yaml);
        project.Sql("wh.duckdb", """
            create schema retl_state;
            create table accounts as
            select 'ключ_' || lpad(cast(i as varchar), 7, '0') as account_id,
                   case when i % 97 = 0 then null when i % 89 = 0 then '' else 'Zoë ' || repeat('ü', i % 200) end as account_name,
                   i % 40 as days_in_stage, repeat('x', 100) as note
            from generate_series(1, 200000) as t(i)
            """);
        var first = await RunAsync(project);
        var requests = project.OutboxRequests("snapshot").Count;
        project.Sql("wh.duckdb", "update accounts set note = note || ' ✎'");

        var moved = await RunAsync(project);
        var after = await RunAsync(project);

        Assert.Equal((200_000L, 200_000), (first.Counts.Sent, requests * 100));
        Assert.Equal((0L, 0L, 0L, 0L), (moved.Counts.Added, moved.Counts.Changed, moved.Counts.Removed, moved.Counts.Sent));
        Assert.Equal(200_000L, moved.Counts.RowsFetched); // read without the snapshot, every row whole: its statement fetches none
        Assert.Equal((0L, 0L, 0L), (after.Counts.RowsRead, after.Counts.RowsFetched, after.Counts.Sent));
        Assert.Equal(requests, project.OutboxRequests("snapshot").Count);
    }

    private static async Task<SyncRunReport> RunAsync(TestProject project)
    {
        var report = await project.RunAsync("by-snapshot");
        Assert.True(report.Status == RunStatus.Succeeded, report.Error);
        return report;
    }
}
