namespace ReverseEtl.IntegrationTests;

// Where most rows changed, the diff in the warehouse reads every row whole instead of every key and then most rows again.
public abstract partial class WarehouseDiffTests
{
    // Half the rows changed (every key bucket differs), with a duplicated key, a null key and removed keys: every row is
    // read whole in one query (rows fetched = rows read, where fetching would have read the 5,099 changed rows again), and
    // the requests are the worker's diff's, in order.
    [Fact]
    public async Task Run_HalfTheRowsChanged_EveryRowReadWholeSameRequestsInOrderAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, AwkwardAccounts(10_200));
        var first = await RunBothAsync(project);
        await ExecuteAsync(project, """
            update accounts set days_in_stage = days_in_stage + 100 where days_in_stage % 2 = 0;
            delete from accounts where account_id in ('ключ_00003', 'ключ_10200');
            insert into accounts values ('ключ_00007', 'Duplicate', 1, ''), (null, 'No key', 2, 'x');
            """);

        var second = await RunBothAsync(project);
        var third = await RunBothAsync(project);

        Assert.Equal((10_200L, 10_200L), (first.Worker.Counts.Sent, first.Warehouse.Counts.RowsFetched));
        Assert.Equal((5099L, 2L, 3L), (second.Worker.Counts.Changed, second.Worker.Counts.Removed, second.Worker.Counts.Rejected));
        Assert.Equal(second.Worker.Counts.ToString(), second.Warehouse.Counts.ToString());
        Assert.Equal((10_200L, 10_200L), (second.Warehouse.Counts.RowsRead, second.Warehouse.Counts.RowsFetched));
        Assert.Equal((0L, 0L), (third.Warehouse.Counts.Sent, third.Warehouse.Counts.RowsFetched));
        Assert.Equal(Requests(project, "worker"), Requests(project, "warehouse"));
    }
}
