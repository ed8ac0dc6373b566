namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// The snapshot diff never holds the whole state: it looks up the keys the statement returns a batch (1,000) at a time
/// and rebuilds the snapshot from the state as it streams. These runs cross those batches: a duplicated key across a
/// batch's edge, removed keys after more than a batch of changed rows, and a snapshot emptied behind the state's back.
/// </summary>
public abstract partial class SnapshotDiffTests
{
    [Fact]
    public async Task Run_MoreChangedRowsThanOneLookupWithADuplicateOnTheEdge_SameChangesAsTheWorker()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(2600));
        var first = await RunBothAsync(project);
        Assert.Equal((2600L, 2600L), (first.Worker.Counts.Added, first.Snapshot.Counts.Added));

        // The new acc_0000 and the changed acc_0001–acc_0999 (less the removed acc_0002) come first, 999 rows, then both
        // rows of acc_1000: the 1,000th and 1,001st returned, either side of a lookup's edge. Most changes are in an
        // unmapped column (only the stored row hash moves: under the limit of 1,000 updates a run sends).
        await ExecuteAsync(project, """
            update accounts set internal_note = internal_note || ' – ✎' where account_id <= 'acc_1500';
            update accounts set account_name = account_name || ' ✓' where account_id <= 'acc_0020';
            insert into accounts values ('acc_1000', 'Twin', 1, 'n'), ('acc_0000', '', null, null), ('acc_9999_東京', 'New', 2, null);
            delete from accounts where account_id in ('acc_0002', 'acc_2599', 'acc_2600');
            """);
        var second = await RunBothAsync(project);

        Assert.Equal((2L, 19L, 3L, 2L), (second.Worker.Counts.Added, second.Worker.Counts.Changed, second.Worker.Counts.Removed, second.Worker.Counts.Rejected));
        Assert.Equal(Changes(second.Worker), Changes(second.Snapshot));
        Assert.Equal(1499L + 2L + 3L + 1L, second.Snapshot.Counts.RowsRead); // changed (acc_1000 twice), new, removed, the twin
        var third = await RunBothAsync(project);
        Assert.Equal((0L, 2L), (third.Snapshot.Counts.Sent, third.Snapshot.Counts.RowsRead)); // the duplicate's rows only
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }

    [Fact]
    public async Task Run_SnapshotEmptiedBehindTheStatesBack_RebuiltInSeveralBatchesThenReadsOnlyChangedRows()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, Accounts(2600));
        await RunBothAsync(project);
        await ExecuteAsync(project, "delete from retl_state.retl_snapshot");
        await ExecuteAsync(project, "update accounts set days_in_stage = days_in_stage + 100 where account_id in ('acc_0001', 'acc_1001', 'acc_2001')");

        var rebuilt = await RunBothAsync(project);
        var after = await RunBothAsync(project);

        Assert.Equal((3L, 3L), (rebuilt.Worker.Counts.Changed, rebuilt.Snapshot.Counts.Changed));
        Assert.Equal(Changes(rebuilt.Worker), Changes(rebuilt.Snapshot));
        Assert.Equal((3L, 0L), (rebuilt.Snapshot.Counts.RowsRead, after.Snapshot.Counts.RowsRead));
        Assert.Equal(Requests(project, "worker"), Requests(project, "snapshot"));
    }
}
