using Dapper;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State;
using ReverseEtl.State.Postgres;

namespace ReverseEtl.IntegrationTests.State;

// The key bucket fill on PostgreSQL: only the records without a bucket are read and written (the others keep their row
// version), and one that another transaction holds is passed over, not waited for, and filled by a later fill.
public sealed partial class PostgresStateStoreTests
{
    [Fact]
    public async Task FillKeyBuckets_AFewWithoutBucketsAtTheEndOneHeld_OthersKeepTheirRowVersionTheHeldOneFilledLater()
    {
        var store = (SqlSyncStateStore)await CreateAsync();
        var keys = Enumerable.Range(0, 12_000).Select(i => i % 1000 == 7 ? $"k-{i:D6}-東京 '" : $"k-{i:D6}-ü").ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i * 5))).ToList(), CancellationToken.None);
        await ExecuteAsync("update sync_records set key_bucket = null where key like 'k-01199%'"); // the last 10 keys
        var before = await RowVersionsAsync();
        await using var other = new Npgsql.NpgsqlConnection(_database);
        await other.OpenAsync();
        var writing = await other.BeginTransactionAsync();
        await other.ExecuteAsync("select 1 from sync_records where key = 'k-011995-ü' for update", transaction: writing);

        var first = await store.FillKeyBucketsAsync("s", CancellationToken.None);
        var held = (await StoredBucketsAsync("s"))["k-011995-ü"];
        var after = await RowVersionsAsync();
        await writing.RollbackAsync();
        var second = await store.FillKeyBucketsAsync("s", CancellationToken.None);

        Assert.Equal((new KeyBucketFill(9, 1, 10), (long?)null), (first, held));
        Assert.Equal(new KeyBucketFill(1, 1, 1), second);
        Assert.Equal(before.Where(v => !v.Key.StartsWith("k-01199", StringComparison.Ordinal)), after.Where(v => !v.Key.StartsWith("k-01199", StringComparison.Ordinal)));
        Assert.Equal(keys.Count - 9, before.Count(v => after[v.Key] == v.Value)); // the 9 filled written, the held one not
        Assert.All(await StoredBucketsAsync("s"), b => Assert.Equal(PostgresSyncStateStore.KeyBucket(b.Key), b.Value));
    }

    // Each record's row version (xmin): a row that is updated, even to the same values, gets a new one.
    private async Task<SortedDictionary<string, string>> RowVersionsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        var rows = await connection.QueryAsync<(string Key, string Version)>("select key, xmin::text from sync_records where sync = 's'");
        return new SortedDictionary<string, string>(rows.ToDictionary(r => r.Key, r => r.Version), StringComparer.Ordinal);
    }
}
