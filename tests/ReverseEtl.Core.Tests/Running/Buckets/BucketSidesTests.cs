using ReverseEtl.Abstractions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// The two sides of <c>diff: warehouse</c>'s bucket comparison run at once; the one that fails stops the other, and its
/// error is the run's, not the other side's at being stopped.
/// </summary>
public sealed class BucketSidesTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60); // a guard against a hang, not a timing

    private readonly ListLogger _log = new();

    [Fact]
    public async Task Read_StateFailsWhileTheWarehouseQueryRuns_TheStateErrorAndTheQueryStopped()
    {
        var warehouse = new StalledBucketsWarehouse();
        var records = new StalledRecords(new IOException("disk I/O error reading the state"), failAfter: warehouse.Started);

        var thrown = await Assert.ThrowsAsync<IOException>(() => ReadAsync(warehouse, records).WaitAsync(Hang));

        Assert.Equal("disk I/O error reading the state", thrown.Message);
        Assert.Equal(["bucket query started", "bucket query stopped"], warehouse.Events);
    }

    [Fact]
    public async Task Read_WarehouseQueryFailsWhileTheStateIsRead_TheWarehouseErrorAndTheReadStopped()
    {
        // The query fails once the state's read began: had it failed before, the read would never start, with nothing to stop.
        var records = new StalledRecords(failure: null);
        var warehouse = new StalledBucketsWarehouse { Failure = new WarehouseException("Out of Memory Error: could not allocate block (48MB/48MB used)"), FailAfter = records.Started };

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => ReadAsync(warehouse, records).WaitAsync(Hang));

        Assert.StartsWith("Out of Memory Error", thrown.Message, StringComparison.Ordinal);
        await records.Stopped.WaitAsync(Hang); // the state's read saw the stop
        Assert.Equal(["bucket query started"], warehouse.Events);
    }

    private Task<List<ReverseEtl.Core.Diff.DiffEvent>> ReadAsync(StalledBucketsWarehouse warehouse, StalledRecords records) =>
        WarehouseDiffKit.ReadAllAsync(warehouse, "{ duckdb: { path: wh.duckdb } }", records, _log);
}
