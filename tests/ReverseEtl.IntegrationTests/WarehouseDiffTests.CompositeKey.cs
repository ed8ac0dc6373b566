using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

// A key of several columns is compared by buckets of row hashes: nothing differing reads no key, a few differing read
// only their rows (a key on several rows, every key), almost everything differing reads every row whole, and the
// changes are always the worker's diff's.
public abstract partial class WarehouseDiffTests
{
    /// <summary>The statements the warehouse was sent so far, where the test can count them (Snowflake's API); else null.</summary>
    private protected virtual int? StatementsSubmitted => null;

    [Fact]
    public async Task Run_KeyOfTwoColumns_NothingChangedReadsNoKeyFieldsEditedReadsWhole_SameRequestsAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table visits as
            select 'ключ_' || lpad(cast(i % 97 as varchar), 3, '0') as account_id, cast(floor(i / 97) as integer) as visit_no,
                   'v-' || cast(i as varchar) as visit_id,
                   case when i % 11 = 0 then null when i % 13 = 0 then '' else 'Zoë 🙂 ' || cast(i as varchar) end as note,
                   i % 40 as minutes, repeat('ü', i % 300) as long_text
            from generate_series(1, 10200) as t(i)
            """);
        var first = await RunBothAsync(project, "pair-");
        var unchanged = await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, """
            update visits set minutes = minutes + 1 where visit_no = 3;
            delete from visits where visit_id in ('v-5', 'v-6000');
            insert into visits values ('ключ_001', 1, 'v-dup', 'Duplicate', 1, ''), (null, 7, 'v-null', 'No key', 2, 'x'), ('ключ_🙂', 0, 'v-new', null, 3, '');
            """);
        Assert.Equal(await EventsAsync(project, "pair-worker"), await EventsAsync(project, "pair-warehouse")); // the duplicate's rows and the keyless one rejected alike
        var changed = await RunBothAsync(project, "pair-");
        project.EditFile("project.yaml", "name: note, days_in_stage: minutes }", "name: note, days_in_stage: minutes, description: long_text }");
        var worker = await project.RunAsync("pair-worker");
        var before = StatementsSubmitted;
        var edited = (Worker: worker, Warehouse: await project.RunAsync("pair-warehouse"));
        var statements = StatementsSubmitted - before;
        var after = await RunBothAsync(project, "pair-");

        Assert.Equal((10_200L, 10_200L), (first.Warehouse.Counts.Sent, first.Warehouse.Counts.RowsFetched));
        Assert.Equal((0L, 0L, 0L, 10_200L), (unchanged.Warehouse.Counts.Sent, unchanged.Warehouse.Counts.KeysRead, unchanged.Warehouse.Counts.RowsFetched, unchanged.Warehouse.Counts.RowsRead));
        Assert.True(unchanged.Warehouse.Counts.BucketsRead > 0);
        Assert.Equal((1L, 97L, 2L, 3L), (changed.Worker.Counts.Added, changed.Worker.Counts.Changed, changed.Worker.Counts.Removed, changed.Worker.Counts.Rejected));
        Assert.Equal(changed.Worker.Counts.ToString(), changed.Warehouse.Counts.ToString());
        Assert.Equal((10_201L, 98L), (changed.Warehouse.Counts.KeysRead, changed.Warehouse.Counts.RowsFetched)); // a key on two rows: every key; only the changed rows fetched
        Assert.Equal(edited.Worker.Counts.ToString(), edited.Warehouse.Counts.ToString());
        Assert.Equal((RunStatus.Succeeded, 10_198L), (edited.Warehouse.Status, edited.Warehouse.Counts.Sent));
        Assert.Equal((10_198L, 10_201L), (edited.Worker.Counts.Changed, edited.Warehouse.Counts.RowsFetched)); // every row, whole, in one read
        Assert.True(statements is null or <= 4, $"{statements} statements: the buckets, then every row in one query (fetching would take 11 more)");
        Assert.Equal((0L, 0L), (after.Warehouse.Counts.Sent, after.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    // A trigger sync: rows that start or stop matching move their bucket's sum (a matched row counts the complement of
    // its part), so the comparison sees them; with nothing changed, no key is read.
    [Fact]
    public async Task Run_KeyOfTwoColumnsTriggerSync_EnteringRowsSentAsByTheWorkerNothingChangedReadsNoKey()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table visits as
            select 'ключ_' || lpad(cast(i % 7 as varchar), 2, '0') as account_id, cast(floor(i / 7) as integer) as visit_no,
                   'v-' || cast(i as varchar) as visit_id, case when i % 5 = 0 then '' else 'Zoë ' || repeat('é', i) end as note,
                   i % 40 as minutes, timestamp '2026-01-01 00:00:00' + i * interval '1 second' as seen_at
            from generate_series(1, 400) as t(i)
            """);
        var first = await RunBothAsync(project, "hot-");
        var unchanged = await RunBothAsync(project, "hot-");
        await ExecuteAsync(project, "update visits set minutes = 35 where minutes = 5; update visits set minutes = 0 where minutes = 31");
        var moved = await RunBothAsync(project, "hot-");
        var after = await RunBothAsync(project, "hot-");

        Assert.Equal((100L, 100L), (first.Worker.Counts.Sent, first.Warehouse.Counts.Sent));
        Assert.Equal((0L, 0L, 0L), (unchanged.Warehouse.Counts.Sent, unchanged.Warehouse.Counts.KeysRead, unchanged.Warehouse.Counts.RowsFetched));
        Assert.Equal((10L, 20L), (moved.Worker.Counts.Sent, moved.Warehouse.Counts.RowsFetched)); // 10 entered; 10 left, sent nothing
        Assert.Equal(moved.Worker.Counts.ToString(), moved.Warehouse.Counts.ToString());
        Assert.Equal((0L, 0L), (after.Warehouse.Counts.Sent, after.Warehouse.Counts.KeysRead));
        Assert.Equal(Requests(project, "events-worker"), Requests(project, "events-warehouse"));
    }
}
