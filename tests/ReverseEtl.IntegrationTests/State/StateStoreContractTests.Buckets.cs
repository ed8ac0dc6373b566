using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ReverseEtl.Abstractions.State;
using ReverseEtl.State;

namespace ReverseEtl.IntegrationTests.State;

// The key buckets kept for diff: warehouse: every write path keeps them, the first sum after an upgrade fills those of the
// records stored before it (in batches), and the sums and the filtered read are what hashing each key (md5 of its UTF-8
// text, as the warehouse does) gives.
public abstract partial class StateStoreContractTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(20)]
    public async Task SumKeyBuckets_EveryWritePath_SumsAndReadsAsHashingEachKey(int bits)
    {
        var store = await CreateAsync();
        var applied = AwkwardKeys.Concat(CaseVariants).Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 3 == 0, i % 5 == 0 ? 0 : ulong.MaxValue - (ulong)i))).ToList();
        await store.ApplyAsync("s", applied, CancellationToken.None);
        await store.ApplyAsync("s", [new StateUpdate("東京", null), new StateUpdate("", new RecordState(9, true, 1))], CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("9", new RecordState(1, true, 5))], CancellationToken.None);
        await store.RecordFailuresAsync("s", 1, [new("skipped 🙂", false, "boom") { Attempted = new RecordState(3, true) }], CancellationToken.None);
        await store.SkipAsync("s", "skipped 🙂", CancellationToken.None);

        var buckets = (IKeyBucketStore)store;
        await AssertStoredBucketsAsync("s", AwkwardKeys.Length + CaseVariants.Length + 1); // written with the record, not filled in later
        var sums = await buckets.SumKeyBucketsAsync("s", bits, CancellationToken.None);

        var expected = await ExpectedAsync(store, "s", bits);
        Assert.NotNull(sums);
        Assert.Equal(expected.OrderBy(b => b.Bucket), sums.OrderBy(b => b.Bucket));
        Assert.Equal(AwkwardKeys.Length + CaseVariants.Length + 1, sums.Sum(b => b.Rows));
        Assert.Equal(expected.Count, sums.Count);
        var chosen = expected.Where((b, i) => i % 2 == 0).Select(b => b.Bucket).ToList();
        var read = new List<StoredRecord>();
        await foreach (var record in buckets.ReadRecordsAsync("s", bits, chosen, CancellationToken.None))
        {
            read.Add(record);
        }

        var all = new List<StoredRecord>();
        await foreach (var record in store.ReadRecordsAsync("s", CancellationToken.None))
        {
            all.Add(record);
        }

        Assert.Equal(all.Where(r => chosen.Contains(Bucket(r.Key, bits))), read);
        Assert.NotEmpty(read);
    }

    [Fact]
    public async Task SumKeyBuckets_StateOfTheVersionBefore_UpgradeAddsTheColumnOnlyAndTheFirstSumFillsIt()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", AwkwardKeys.Concat(CaseVariants).Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i * 7))).ToList(), CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("", new RecordState(1, true, 5))], CancellationToken.None);
        await DowngradeToBeforeKeyBucketsAsync();

        var upgraded = OpenAgain();
        await upgraded.InitializeAsync(CancellationToken.None);
        Assert.All(await StoredBucketsAsync("s"), b => Assert.Null(b.Value)); // the upgrade itself hashes nothing
        var sums = await ((IKeyBucketStore)upgraded).SumKeyBucketsAsync("s", 6, CancellationToken.None);

        Assert.NotNull(sums);
        Assert.Equal((await ExpectedAsync(upgraded, "s", 6)).OrderBy(b => b.Bucket), sums.OrderBy(b => b.Bucket));
        await AssertStoredBucketsAsync("s", AwkwardKeys.Length + CaseVariants.Length);
        Assert.All(await StoredBucketsAsync("other"), b => Assert.Null(b.Value)); // another sync's, until its own sum
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("4294967296")]
    public async Task SumKeyBuckets_ABucketOutside32BitsByAHandEdit_FailsNamingTheSync(string bucket)
    {
        var store = await CreateAsync();
        await store.ApplyAsync("sync ü", [new StateUpdate("a", new RecordState(1, true, 2)), new StateUpdate("b", new RecordState(3, false, 4))], CancellationToken.None);
        await ExecuteAsync($"update sync_records set key_bucket = {bucket} where key = 'b'");

        var error = await Assert.ThrowsAsync<StateStoreException>(() => ((IKeyBucketStore)store).SumKeyBucketsAsync("sync ü", 8, CancellationToken.None));

        Assert.Contains("sync_records.key_bucket of sync 'sync ü'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FillKeyBuckets_MoreKeysThanOneBatchWithoutBuckets_FillsEachOnceAndAFilledStateHasNothingToDo()
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, ManyKeys).Select(i => $"k-{i:D6}-ä")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i * 3))).ToList(), CancellationToken.None);
        await ExecuteAsync("update sync_records set key_bucket = null where key not like 'k-0000%'"); // as stored before the upgrade, a few kept

        var filled = await ((SqlSyncStateStore)store).FillKeyBucketsAsync("s", CancellationToken.None);

        var missing = keys.Count - 100;
        Assert.Equal(new KeyBucketFill(missing, (missing + SqlSyncStateStore.KeyBucketsPerFill - 1) / SqlSyncStateStore.KeyBucketsPerFill, missing), filled);
        await AssertStoredBucketsAsync("s", keys.Count);
        Assert.Equal(default, await ((SqlSyncStateStore)store).FillKeyBucketsAsync("s", CancellationToken.None));
        var sums = await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 12, CancellationToken.None);
        Assert.Equal((await ExpectedAsync(store, "s", 12)).OrderBy(b => b.Bucket), sums!.OrderBy(b => b.Bucket));
    }

    [Fact]
    public async Task FillKeyBuckets_AFewWithoutBucketsAmongManyKeys_ReadsAndFillsOnlyThoseInOneWindow()
    {
        var store = await CreateAsync();
        var keys = AwkwardKeys.Concat(CaseVariants).Concat(Enumerable.Range(0, ManyKeys).Select(i => $"k-{i:D6}-ä")).ToList();
        await store.ApplyAsync("s", keys.Select((k, i) => new StateUpdate(k, new RecordState((ulong)i + 1, i % 2 == 0, (ulong)i * 3))).ToList(), CancellationToken.None);
        await store.ApplyAsync("other", [new StateUpdate("k-999999-ä", new RecordState(1, true, 5))], CancellationToken.None);

        // As an older worker leaves them: the last keys, one in the middle, an empty key and another sync's.
        await store.ApplyAsync("s", [new StateUpdate("", new RecordState(7, true, 8))], CancellationToken.None);
        await ExecuteAsync($"update sync_records set key_bucket = null where key like 'k-{ManyKeys - 1:D6}%' or key like 'k-{ManyKeys - 2:D6}%' or key = 'k-006000-ä' or key = '' or sync = 'other'");

        var filled = await ((SqlSyncStateStore)store).FillKeyBucketsAsync("s", CancellationToken.None);

        Assert.Equal(new KeyBucketFill(4, 1, 4), filled); // the 4 read from the index of those without: the others neither read nor written
        await AssertStoredBucketsAsync("s", keys.Count + 1);
        Assert.All(await StoredBucketsAsync("other"), b => Assert.Null(b.Value)); // another sync's, until its own fill
        Assert.Equal(default, await ((SqlSyncStateStore)store).FillKeyBucketsAsync("s", CancellationToken.None));
    }

    [Fact]
    public async Task SumKeyBuckets_ARecordWrittenWithoutItsBucketByAnOlderVersion_FilledThenSummed()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new StateUpdate("a", new RecordState(1, true, 2)), new StateUpdate("ü old", new RecordState(3, false, 4))], CancellationToken.None);
        await ExecuteAsync("update sync_records set key_bucket = null where key = 'ü old'"); // an older worker's upsert leaves none

        var sums = new CollectedBucketSums();
        Assert.True(await ((IKeyBucketStore)store).SumKeyBucketsAsync("s", 32 - 12, sums, CancellationToken.None));

        Assert.Equal(new[] { "a", "ü old" }.Select(k => Bucket(k, 20)).Order(), sums.Buckets.Select(b => b.Bucket));
        Assert.Equal(1, sums.Clears); // the first sum gave up at the record without its bucket, and what it added went
        Assert.Equal(2, sums.Buckets.Sum(b => b.Rows));
        await AssertStoredBucketsAsync("s", 2);
    }

    /// <summary>Takes the state back to the schema of the version before key buckets (the column dropped, the version lowered).</summary>
    protected abstract Task DowngradeToBeforeKeyBucketsAsync();

    // The columns of a later migration (0011) than key buckets, which a schema before them has not either.
    private protected const string DropRunReads =
        "alter table sync_runs drop column rows_fetched; alter table sync_runs drop column keys_read; alter table sync_runs drop column buckets_read; alter table sync_runs drop column held";

    /// <summary>Runs SQL on the state's database, as another program would.</summary>
    protected abstract Task ExecuteAsync(string sql);

    /// <summary>Each record's stored key bucket, by key.</summary>
    protected abstract Task<Dictionary<string, long?>> StoredBucketsAsync(string sync);

    // Upper and lower case, which a case-insensitive collation would take for one key, and German sharp s.
    private static readonly string[] CaseVariants = ["A", "AB", "aB", "straße", "STRASSE", "ǅ"];

    // Every stored bucket is the md5 of the key computed here, set for all of them.
    private async Task AssertStoredBucketsAsync(string sync, int count)
    {
        var stored = await StoredBucketsAsync(sync);
        Assert.Equal(count, stored.Count);
        Assert.All(stored, b => Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(Md5(b.Key)), b.Value));
    }

    // The sums as diff: warehouse computes them from each key's md5, from the store's plain read.
    private static async Task<List<BucketTotal>> ExpectedAsync(ISyncStateStore store, string sync, int bits)
    {
        var sums = new CollectedBucketSums();
        await foreach (var (key, state) in store.ReadRecordsAsync(sync, CancellationToken.None))
        {
            sums.Add(Bucket(key, bits), 1, BucketSumReads.Part(state), state.RowHash == 0);
        }

        return [.. sums.Buckets];
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "the buckets' md5, not for security")]
    private static byte[] Md5(string key) => MD5.HashData(Encoding.UTF8.GetBytes(key));

    private static int Bucket(string key, int bits) => (int)(BinaryPrimitives.ReadUInt32BigEndian(Md5(key)) >> (32 - bits));
}
