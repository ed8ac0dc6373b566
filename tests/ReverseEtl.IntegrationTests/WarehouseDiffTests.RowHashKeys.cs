namespace ReverseEtl.IntegrationTests;

// Keys compared by row-hash buckets besides keys of several columns: a key of a type that cannot be bucketed (a
// timestamp), found by the first query; and keys with a null or empty part, which are read alone, to be rejected as the
// worker's diff rejects them, without reading every key.
public abstract partial class WarehouseDiffTests
{
    [Fact]
    public async Task Run_TimestampKey_ComparedByRowHashNothingChangedReadsOnlyTheNullKey_SameRequestsAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table stamps as
            select timestamp '2026-01-01 00:00:00' + i * interval '1 second' as seen_at, 's-' || cast(i as varchar) as stamp_id,
                   case when i % 7 = 0 then null when i % 11 = 0 then '' else 'Zoë 東京 ' || repeat('ü', i % 200) end as note, i % 40 as minutes
            from generate_series(1, 3000) as t(i);
            insert into stamps values (null, 's-null', 'No key', 1);
            """);
        var first = await RunBothAsync(project, "stamp-");
        Assert.Equal(await EventsAsync(project, "stamp-worker"), await EventsAsync(project, "stamp-warehouse"));
        var unchanged = await RunBothAsync(project, "stamp-");
        await ExecuteAsync(project, """
            update stamps set minutes = minutes + 1 where minutes = 7;
            delete from stamps where stamp_id in ('s-5', 's-2999');
            insert into stamps values (timestamp '2027-06-01 12:00:00', 's-new', 'Nouveau', 3);
            """);
        var changed = await RunBothAsync(project, "stamp-");
        var after = await RunBothAsync(project, "stamp-");
        await ExecuteAsync(project, """
            update stamps set note = 'Édité ✓' where stamp_id in ('s-10', 's-1500');
            delete from stamps where stamp_id = 's-2000';
            insert into stamps values (timestamp '2020-01-01 00:00:00', 's-early', null, 4);
            """);
        Assert.Equal(await EventsAsync(project, "stamp-worker"), await EventsAsync(project, "stamp-warehouse"));
        var few = await RunBothAsync(project, "stamp-");

        Assert.Equal((3000L, 1L), (first.Warehouse.Counts.Sent, first.Warehouse.Counts.Rejected));
        Assert.Equal(unchanged.Worker.Counts.ToString(), unchanged.Warehouse.Counts.ToString());
        Assert.Equal((0L, 1L, 0L, 1L), (unchanged.Warehouse.Counts.Sent, unchanged.Warehouse.Counts.KeysRead, unchanged.Warehouse.Counts.RowsFetched, unchanged.Warehouse.Counts.Rejected));
        Assert.InRange(unchanged.Warehouse.Counts.BucketsRead, 1, 257); // one query of 2^8 row-hash buckets and the null one: the saved type said timestamp
        Assert.Equal((1L, 75L, 2L, 1L), (changed.Worker.Counts.Added, changed.Worker.Counts.Changed, changed.Worker.Counts.Removed, changed.Worker.Counts.Rejected));
        Assert.Equal(changed.Worker.Counts.ToString(), changed.Warehouse.Counts.ToString());
        Assert.Equal(76L, changed.Warehouse.Counts.RowsFetched);
        Assert.Equal((0L, 1L, 1L), (after.Warehouse.Counts.Sent, after.Warehouse.Counts.KeysRead, after.Warehouse.Counts.Rejected));
        Assert.Equal((1L, 2L, 1L, 1L), (few.Worker.Counts.Added, few.Worker.Counts.Changed, few.Worker.Counts.Removed, few.Worker.Counts.Rejected));
        Assert.Equal(few.Worker.Counts.ToString(), few.Warehouse.Counts.ToString());
        Assert.Equal(3L, few.Warehouse.Counts.RowsFetched);
        Assert.InRange(few.Warehouse.Counts.KeysRead, 4, 3000 / 10); // the rows of the few row-hash buckets that differ, and the keyless one
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    [Fact]
    public async Task Run_KeyOfTwoColumnsWithNullAndEmptyParts_NothingChangedReadsOnlyThoseRows_SameRequestsAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table visits as
            select 'ключ_' || lpad(cast(i % 31 as varchar), 2, '0') as account_id, cast(floor(i / 31) as integer) as visit_no,
                   'v-' || cast(i as varchar) as visit_id, case when i % 3 = 0 then '' else 'Zoë 🙂 ' || cast(i as varchar) end as note,
                   i % 40 as minutes
            from generate_series(1, 2000) as t(i);
            insert into visits values (null, 1, 'v-null', 'No account', 1), ('', 2, 'v-empty', 'Empty account', 2), ('ключ_01', null, 'v-no-visit', null, 3);
            """);
        var first = await RunBothAsync(project, "pair-");
        Assert.Equal(await EventsAsync(project, "pair-worker"), await EventsAsync(project, "pair-warehouse")); // rejected rows numbered alike
        var unchanged = await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, "update visits set note = 'Édité' where visit_no = 9; insert into visits values (null, 3, 'v-null-2', '', 4)");
        var changed = await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, """
            update visits set minutes = minutes + 1 where visit_id in ('v-40', 'v-1999');
            delete from visits where visit_id = 'v-77';
            insert into visits values ('ключ_🙂', 1, 'v-new', 'Nouveau 東京', 5), ('ключ_02', null, 'v-no-visit-2', 'x', 6);
            """);
        Assert.Equal(await EventsAsync(project, "pair-worker"), await EventsAsync(project, "pair-warehouse"));
        var few = await RunBothAsync(project, "pair-");

        Assert.Equal((2000L, 3L), (first.Warehouse.Counts.Sent, first.Warehouse.Counts.Rejected));
        Assert.Equal(unchanged.Worker.Counts.ToString(), unchanged.Warehouse.Counts.ToString());
        Assert.Equal((0L, 3L, 0L, 3L), (unchanged.Warehouse.Counts.Sent, unchanged.Warehouse.Counts.KeysRead, unchanged.Warehouse.Counts.RowsFetched, unchanged.Warehouse.Counts.Rejected));
        Assert.Equal((31L, 4L), (changed.Worker.Counts.Changed, changed.Worker.Counts.Rejected));
        Assert.Equal(changed.Worker.Counts.ToString(), changed.Warehouse.Counts.ToString());
        Assert.Equal((1L, 2L, 1L, 5L), (few.Worker.Counts.Added, few.Worker.Counts.Changed, few.Worker.Counts.Removed, few.Worker.Counts.Rejected));
        Assert.Equal(few.Worker.Counts.ToString(), few.Warehouse.Counts.ToString());
        Assert.InRange(few.Warehouse.Counts.KeysRead, 8, 2004 / 10); // the rows of the few row-hash buckets that differ, and the five keyless ones
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }

    /// <summary>Whether the warehouse has a UUID type (Snowflake has none: its stand-in's <c>typeof</c> says UUID, which it cannot bucket).</summary>
    private protected virtual bool HasUuid => true;

    // A UUID key's text is the same in the warehouse and the worker (lower case, with hyphens): bucketed by key, so a
    // few changed rows read only their buckets' keys.
    [Fact]
    public async Task Run_UuidKey_BucketedByKeyOnlyDifferingBucketsRead_SameRequestsAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table stamps as
            select cast(md5(cast(i as varchar)) as uuid) as seen_at, 'u-' || cast(i as varchar) as stamp_id,
                   case when i % 7 = 0 then null when i % 11 = 0 then '' else 'Zoë 東京 ' || repeat('ü', i % 200) end as note, i % 40 as minutes
            from generate_series(1, 3000) as t(i);
            insert into stamps values (null, 'u-null', 'No key', 1);
            """);
        await RunBothAsync(project, "stamp-");
        var unchanged = await RunBothAsync(project, "stamp-");
        await ExecuteAsync(project, """
            update stamps set minutes = minutes + 1 where stamp_id in ('u-1', 'u-700', 'u-2999');
            delete from stamps where stamp_id = 'u-5';
            insert into stamps values (cast(md5('new') as uuid), 'u-new', 'Nouveau', 3);
            """);
        var changed = await RunBothAsync(project, "stamp-");

        Assert.Equal(unchanged.Worker.Counts.ToString(), unchanged.Warehouse.Counts.ToString());
        Assert.Equal((0L, 1L, 0L, 1L), (unchanged.Warehouse.Counts.Sent, unchanged.Warehouse.Counts.KeysRead, unchanged.Warehouse.Counts.RowsFetched, unchanged.Warehouse.Counts.Rejected));
        Assert.Equal((1L, 3L, 1L, 1L), (changed.Worker.Counts.Added, changed.Worker.Counts.Changed, changed.Worker.Counts.Removed, changed.Worker.Counts.Rejected));
        Assert.Equal(changed.Worker.Counts.ToString(), changed.Warehouse.Counts.ToString());
        Assert.Equal(4L, changed.Warehouse.Counts.RowsFetched);
        Assert.InRange(changed.Warehouse.Counts.KeysRead, 5, HasUuid ? 3000 / 10 : 3001);
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }
}
