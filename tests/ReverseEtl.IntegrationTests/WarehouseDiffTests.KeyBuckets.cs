using Dapper;
using Microsoft.Data.Sqlite;
using ReverseEtl.State.Sqlite;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The bucket comparison with the state's key buckets: summed and filtered by the store, or, where some record has
/// none (written by a worker of an older version), with each stored key hashed in the worker; the same diff either way.
/// </summary>
public abstract partial class WarehouseDiffTests
{
    [Fact]
    public async Task Run_SomeStoredKeysWithoutTheirBucket_SameEventsRequestsAndStateAsWorkerDiff()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts as
            select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
                   i % 40 as days_in_stage, 'note' as internal_note
            from generate_series(1, 900) as t(i);
            insert into accounts values ('ü-東京', 'Zoë', 1, ''), ('', 'Empty key', 2, 'n');
            """);
        await SameBothWaysAsync(project);
        await ExecuteAsync(project, "update accounts set days_in_stage = days_in_stage + 1 where account_id in ('acc_0001', 'acc_0700', 'ü-東京')");
        var stored = await SameBothWaysAsync(project);

        // As a worker of the version before would leave them: records without their bucket.
        await StateSqlAsync(project, "update sync_records set key_bucket = null where key like 'acc_00%' or key = 'ü-東京'");
        await ExecuteAsync(project, """
            update accounts set account_name = 'Renamed ü' where account_id in ('acc_0002', 'acc_0701', 'ü-東京');
            delete from accounts where account_id = 'acc_0003';
            insert into accounts values ('acc_9999', 'New', 3, 'n');
            """);
        var hashedHere = await SameBothWaysAsync(project);
        var unchanged = await project.RunAsync("by-warehouse");

        Assert.Equal((0L, 3L, 0L, 1L), (stored.Counts.Added, stored.Counts.Changed, stored.Counts.Removed, stored.Counts.Rejected));
        Assert.InRange(stored.Counts.KeysRead, 3, 900 / 2);
        Assert.Equal((1L, 3L, 1L), (hashedHere.Counts.Added, hashedHere.Counts.Changed, hashedHere.Counts.Removed));
        Assert.Equal((0L, 0L), (unchanged.Counts.RowsFetched, unchanged.Counts.Sent));
    }

    private protected virtual async Task StateSqlAsync(TestProject project, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={((SqliteSyncStateStore)project.State).DatabasePath}");
        await connection.ExecuteAsync(sql);
    }
}
