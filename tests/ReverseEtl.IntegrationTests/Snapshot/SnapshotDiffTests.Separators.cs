namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// Keys of two text columns whose parts hold the control characters that join them in the snapshot (U+001F, and
/// U+001E that escapes it): no two keys meet there, so each is sent as the worker's diff sends it, a duplicated one is
/// still rejected, and a snapshot written before the escape (parts joined as they were) filters nothing away.
/// </summary>
public abstract partial class SnapshotDiffTests
{
    // Keys that met when the parts were joined by U+001F as they were: rows 1 and 2, rows 3 and 4.
    private const string SeparatorRows = """
        create table visits (account_id varchar, visit_day varchar, minutes integer, note varchar);
        insert into visits values ('c' || chr(31) || 'q', 'r', 1, 'n1'), ('c', 'q' || chr(31) || 'r', 2, 'n2'),
            ('c' || chr(30), chr(31) || 'r', 3, 'n3'), ('c' || chr(30) || chr(31), 'r', 4, 'n4'), ('c' || chr(30) || chr(30), 'r', 5, 'n5'),
            ('ключ 🙂', repeat('ü', 3000), null, 'n6'), ('dup', chr(31), 7, 'n7'), ('dup', chr(31), 8, 'n8'), ('', 'x', 9, 'n9'),
            (null, 'y', 10, 'n10'), ('acc', '', 11, 'n11'), (chr(31), chr(30), 12, 'Zoë');
        """;

    [Fact]
    public async Task Run_KeysOfTwoColumnsHoldingTheSeparator_EachSentAsTheWorkerSendsThem()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, SeparatorRows);

        var first = await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, "update visits set minutes = minutes + 100 where note in ('n1', 'n4', 'Zoë')");
        var changed = await RunBothAsync(project, "pair-");
        var unchanged = await RunBothAsync(project, "pair-");

        Assert.Equal((7L, 5L), (first.Worker.Counts.Added, first.Worker.Counts.Rejected)); // both rows of 'dup', and the null and empty parts
        Assert.Equal(Changes(first.Worker), Changes(first.Snapshot));
        Assert.Equal((3L, 3L), (changed.Worker.Counts.Changed, changed.Snapshot.Counts.Changed));
        Assert.Equal(Changes(changed.Worker), Changes(changed.Snapshot));
        Assert.Equal((0L, 5L), (unchanged.Snapshot.Counts.Sent, unchanged.Snapshot.Counts.RowsRead)); // only the rejected rows, every run
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
        Assert.Equal(10, Records(project, "snapshot").Count);
    }

    [Fact]
    public async Task Run_SnapshotWrittenWithPartsJoinedUnescaped_SameChangesAsTheWorkerNothingResentThenRebuilt()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, SeparatorRows);
        await RunBothAsync(project, "pair-");

        // Three keys as an earlier version wrote their texts: each part as it is, joined by U+001F (rows 2 and 4, whose
        // texts met those of rows 1 and 3 so, could not be held beside them under the table's primary key).
        await ExecuteAsync(project, """
            update retl_state.retl_snapshot set key_text = 'c' || chr(31) || 'q' || chr(31) || 'r' where key_text = 'c' || chr(30) || chr(31) || 'q' || chr(31) || 'r';
            update retl_state.retl_snapshot set key_text = 'c' || chr(30) || chr(30) || chr(31) || 'r' where key_text = 'c' || chr(30) || chr(30) || chr(30) || chr(30) || chr(31) || 'r';
            update retl_state.retl_snapshot set key_text = chr(31) || chr(31) || chr(30) where key_text = chr(30) || chr(31) || chr(31) || chr(30) || chr(30);
            """);
        Assert.Equal(3L, await ScalarAsync(project, "select count(*) from retl_state.retl_snapshot where key_text in ('c' || chr(31) || 'q' || chr(31) || 'r', chr(31) || chr(31) || chr(30), 'c' || chr(30) || chr(30) || chr(31) || 'r')"));
        var unchanged = await RunBothAsync(project, "pair-");
        await ExecuteAsync(project, "update visits set minutes = minutes + 100 where note in ('n1', 'n2')");
        var changed = await RunBothAsync(project, "pair-");
        var after = await RunBothAsync(project, "pair-");

        Assert.Equal(Changes(unchanged.Worker), Changes(unchanged.Snapshot));
        Assert.Equal((0L, 0L), (unchanged.Snapshot.Counts.Sent, unchanged.Snapshot.Counts.Changed));
        Assert.Equal(Changes(changed.Worker), Changes(changed.Snapshot));
        Assert.Equal((2L, 2L), (changed.Snapshot.Counts.Changed, changed.Snapshot.Counts.Sent));
        Assert.Equal((0L, 5L), (after.Snapshot.Counts.Sent, after.Snapshot.Counts.RowsRead)); // rebuilt (it held row 1's key twice): only the rejected rows
        Assert.Equal(Records(project, "worker"), Records(project, "snapshot"));
    }
}
