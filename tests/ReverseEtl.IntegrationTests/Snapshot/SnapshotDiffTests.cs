using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// A diff against the in-warehouse snapshot (<c>diff: warehouse</c> on a connection with <c>snapshot: { schema }</c>)
/// gives exactly the changes of the diff in the worker, run after run: new, changed, removed, duplicated, keyless and
/// empty keys, non-ASCII and emoji keys, long text, nulls, a change in an unmapped column; a state reset; a stop
/// between the state's write and the snapshot's (the old snapshot put back). Only the changed rows are read.
/// </summary>
public abstract partial class SnapshotDiffTests
{
    private protected abstract Task<TestProject> ProjectAsync();

    private protected abstract Task ExecuteAsync(TestProject project, string sql);

    [Fact]
    public async Task Run_SameDataBothWays_SameChangesAndOnlyChangedRowsRead()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(500) + """
            ;
            insert into accounts values ('ключ_1', 'Имя — ünïcödé', 1, 'n'), ('emoji_🙂', 'Party 🎉', 2, 'n'), ('o''neil', '', 3, null),
                ('long_1', repeat('y', 5000), 4, 'n'), ('nulls_1', null, null, null)
            """);
        var first = await RunBothAsync(project);
        Assert.Equal((505L, 505L), (first.Worker.Counts.Added, first.Snapshot.Counts.Added));

        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 1 where account_id in ('acc_0001', 'acc_0002', 'ключ_1');
            update accounts set internal_note = 'edited ✓' where account_id in ('acc_0010', 'acc_0011', 'acc_0012', 'acc_0013', 'emoji_🙂');
            update accounts set account_name = repeat('z', 6000) where account_id = 'long_1';
            delete from accounts where account_id in ('acc_0100', 'acc_0101');
            insert into accounts values ('acc_9001', 'New 1', 1, 'n'), ('acc_\9002 \''', null, null, null), ('acc_0200', 'Duplicate', 3, 'n'),
                (null, 'No key', 4, 'n'), ('', 'Empty key', 5, 'n');
            """);
        var second = await RunBothAsync(project);
        Assert.Equal((2L, 4L, 2L, 4L), (second.Worker.Counts.Added, second.Worker.Counts.Changed, second.Worker.Counts.Removed, second.Worker.Counts.Rejected));
        Assert.Equal(Changes(second.Worker), Changes(second.Snapshot));

        // 4 changed + 5 unmapped changes + 2 removed + 2 new + 4 rejected (both rows of the duplicate, null and empty keys).
        Assert.Equal(17L, second.Snapshot.Counts.RowsRead);

        var third = await RunBothAsync(project);
        Assert.Equal((0L, 0L), (third.Worker.Counts.Sent, third.Snapshot.Counts.Sent));
        Assert.Equal(4L, third.Snapshot.Counts.RowsRead); // the rejected rows, returned every run as they are every run

        await StopBeforeSnapshotWriteAsync(project);

        Assert.Equal(0, (await project.CliAsync("reset", "--sync", "by-worker")).ExitCode);
        Assert.Equal(0, (await project.CliAsync("reset", "--sync", "by-snapshot")).ExitCode);
        var afterReset = await RunBothAsync(project);
        Assert.Equal(504L, afterReset.Worker.Counts.Added); // 505 keys, less the duplicated one
        Assert.Equal(Changes(afterReset.Worker), Changes(afterReset.Snapshot));
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }

    [Fact]
    public async Task Run_OnePercentChanged_ReadsAtMostChangedRowsTimes105()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(2000));
        await RunBothAsync(project);
        await ExecuteAsync(project, "update accounts set account_name = account_name || ' ✎' where account_id like '%07'");

        var changed = await RunBothAsync(project);

        var rows = changed.Worker.Counts.Changed;
        Assert.InRange(rows, 10, 100);
        Assert.Equal(Changes(changed.Worker), Changes(changed.Snapshot));
        Assert.InRange(changed.Snapshot.Counts.RowsRead, rows, (long)Math.Floor(rows * 1.05));
    }

    [Fact]
    public async Task Run_KeyOfTextAndDate_SameChangesAndOnlyChangedRowsRead()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table visits as
            select 'acc_' || lpad(cast(i % 50 as varchar), 2, '0') as account_id, date '2025-01-01' + cast(floor(i / 50) as integer) as visit_day, i as minutes, 'ü ' || cast(i as varchar) as note
            from generate_series(0, 199) as t(i)
            """);
        await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, """
            update visits set minutes = minutes + 1 where note in ('ü 1', 'ü 77', 'ü 160');
            delete from visits where note = 'ü 42';
            insert into visits values ('acc_🙂', date '2025-02-01', 5, 'ü new');
            """);

        var changed = await RunBothAsync(project, "pair-");
        var unchanged = await RunBothAsync(project, "pair-");

        Assert.Equal((1L, 3L, 1L), (changed.Worker.Counts.Added, changed.Worker.Counts.Changed, changed.Worker.Counts.Removed));
        Assert.Equal(Changes(changed.Worker), Changes(changed.Snapshot));
        Assert.Equal((5L, 0L), (changed.Snapshot.Counts.RowsRead, unchanged.Snapshot.Counts.RowsRead));
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }

    // A run whose state advanced but whose snapshot write never happened (the process stopped in between): the old
    // snapshot is put back, and the row changed back to what it holds. Without the start-of-run check it would hide it.
    private async Task StopBeforeSnapshotWriteAsync(TestProject project)
    {
        await ExecuteAsync(project, "create table snapshot_before as select * from retl_state.retl_snapshot");
        await ExecuteAsync(project, "update accounts set days_in_stage = 99 where account_id = 'acc_0005'");
        var changed = await RunBothAsync(project);
        Assert.Equal((1L, 1L), (changed.Worker.Counts.Changed, changed.Snapshot.Counts.Changed));

        await ExecuteAsync(project, "delete from retl_state.retl_snapshot; insert into retl_state.retl_snapshot select * from snapshot_before");
        await ExecuteAsync(project, "update accounts set days_in_stage = 5 where account_id = 'acc_0005'");
        var back = await RunBothAsync(project);
        Assert.Equal((1L, 1L), (back.Worker.Counts.Changed, back.Snapshot.Counts.Changed));
        Assert.Equal(Changes(back.Worker), Changes(back.Snapshot));
    }

    internal static string Accounts(int rows) => $"""
        create table accounts as
        select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
               i % 40 as days_in_stage, 'note ' || cast(i as varchar) as internal_note
        from generate_series(1, {rows}) as t(i)
        """;

    private static (long Added, long Changed, long Removed, long Rejected, long Sent, long Failed) Changes(SyncRunReport report) =>
        (report.Counts.Added, report.Counts.Changed, report.Counts.Removed, report.Counts.Rejected, report.Counts.Sent, report.Counts.Failed);

    private protected static async Task<(SyncRunReport Worker, SyncRunReport Snapshot)> RunBothAsync(TestProject project, string prefix = "by-")
    {
        var worker = await project.RunAsync($"{prefix}worker");
        var snapshot = await project.RunAsync($"{prefix}snapshot");
        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded), (worker.Status, snapshot.Status));
        return (worker, snapshot);
    }

    // Every request body, in order, with the dry-run ids (derived from the bodies) as they are.
    private static List<string> Requests(TestProject project, string outbox) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl")).Select(l => JsonNode.Parse(l)!["body"]?.ToJsonString() ?? "").ToList();

    internal static string Yaml(string warehouseConnection) => $$"""
        version: 1
        connections:
          wh: {{warehouseConnection}}
          worker: { hubspot: { token: "" } }
          snapshot: { hubspot: { token: "" } }
        models:
          accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
          visits: { connection: wh, primary_key: [account_id, visit_day], sql: select * from visits }
        syncs:
          pair-worker:
            model: visits
            destination: worker
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: note, name: account_id, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          pair-snapshot:
            model: visits
            destination: snapshot
            mode: mirror
            delete_limit_percent: 50
            diff: warehouse
            fields: { product_account_id: note, name: account_id, days_in_stage: minutes }
            hubspot: { object: companies, id_property: product_account_id }
          by-worker:
            model: accounts
            destination: worker
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
            hubspot: { object: companies, id_property: product_account_id }
          by-snapshot:
            model: accounts
            destination: snapshot
            mode: mirror
            delete_limit_percent: 50
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
            hubspot: { object: companies, id_property: product_account_id }
        """;
}
