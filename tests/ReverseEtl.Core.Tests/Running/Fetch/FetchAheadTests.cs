using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Fetch;

/// <summary>
/// <c>diff: warehouse</c> fetches each thousand changed rows in the warehouse while the key rows go on being read: a
/// fetch's failure is the read's error at once, and a read that ends early stops the fetch in flight and keeps its own error.
/// </summary>
public sealed class FetchAheadTests
{
    private readonly ListLogger _log = new();

    [Fact]
    public async Task Read_KeyRowsFailWhileAFetchIsInFlight_TheirErrorThrownAndTheFetchStopped()
    {
        var warehouse = new ScriptedKeysWarehouse { Keys = 1500, KeysFailAfter = 1200, FetchDelay = TimeSpan.FromMinutes(5) };

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => ReadAllAsync(warehouse));

        Assert.Equal("the key rows' connection was reset", thrown.Message);
        Assert.Equal(["fetch of 1000 started", "fetch stopped"], warehouse.Events);
        Assert.DoesNotContain(_log.Entries, e => e.Id == 1412);
    }

    [Fact]
    public async Task Read_AFetchFails_ItsErrorThrownBeforeTheNextThousandKeys()
    {
        var warehouse = new ScriptedKeysWarehouse
        {
            Keys = 5000, FetchDelay = TimeSpan.Zero, KeysWaitForFailureAt = 1100,
            FetchFailure = new WarehouseException("Out of Memory Error: could not allocate block of size 256KiB (96MB/96MB used)"),
        };

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => ReadAllAsync(warehouse));

        Assert.StartsWith("Out of Memory Error", thrown.Message, StringComparison.Ordinal);
        // Thrown at the first key settled once the fetch's task is faulted (the key rows wait at the 1,101st until the
        // fetch has failed, and a grace more for its task to fault), not when the next fetch is due: 2,001 keys read.
        Assert.InRange(warehouse.KeysRead, 1001, 1999);
        Assert.Equal(["fetch of 1000 started", "fetch answered"], warehouse.Events);
    }

    [Fact]
    public async Task Read_KeysNewOrChanged_FetchedAThousandAtATimeInKeyOrder()
    {
        var warehouse = new ScriptedKeysWarehouse { Keys = 2500, FetchDelay = TimeSpan.FromMilliseconds(1) };

        var events = await ReadAllAsync(warehouse);

        Assert.Equal(Enumerable.Range(0, 2500).Select(ScriptedKeysWarehouse.Key), events.OfType<RowChange>().Select(c => c.Key));
        Assert.Equal(ChangeKind.Changed, events.OfType<RowChange>().First().Kind);
        Assert.Equal(["fetch of 1000 started", "fetch answered", "fetch of 1000 started", "fetch answered", "fetch of 500 started", "fetch answered"], warehouse.Events);
    }

    // A first run (nothing stored: every key new) reads every row whole, in one query, and fetches none.
    [Fact]
    public async Task Read_NothingStored_EveryRowReadWholeInKeyOrderAndNoneFetched()
    {
        var warehouse = new ScriptedKeysWarehouse { Keys = 2500, FetchDelay = TimeSpan.FromMilliseconds(1) };

        var events = await WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", SavedRecords.None, _log);

        Assert.Equal(Enumerable.Range(0, 2500).Select(ScriptedKeysWarehouse.Key), events.OfType<RowChange>().Select(c => c.Key));
        Assert.All(events.OfType<RowChange>(), c => Assert.Equal((ChangeKind.Added, 0x00000000000000aaUL), (c.Kind, c.Row!.RowHash)));
        Assert.Empty(warehouse.Events);
        Assert.Equal(1, warehouse.Queries);
    }

    // The first key stored with another row hash: the run reads keys and row hashes, and fetches the rows that differ.
    private Task<List<DiffEvent>> ReadAllAsync(ScriptedKeysWarehouse warehouse) =>
        WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", SavedRecords.Of(new Dictionary<string, RecordState>
        {
            [ScriptedKeysWarehouse.Key(0)] = new(Hash: 1, Matched: true, RowHash: 0xbb),
        }), _log);
}
