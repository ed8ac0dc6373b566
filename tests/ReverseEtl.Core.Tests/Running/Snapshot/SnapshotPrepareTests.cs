using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Running.Snapshot;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Snapshot;

/// <summary>
/// The snapshot's diff statement runs in the warehouse while the state is read for the snapshot's check: its rows are
/// read only when the check passes; it is closed before the snapshot is repaired, and when the state cannot be read.
/// </summary>
public sealed class SnapshotPrepareTests
{
    private readonly ScriptedSnapshotWarehouse _warehouse = new();
    private readonly ListLogger _log = new();

    [Fact]
    public async Task Read_StateFailsWhileTheDiffRuns_TheStatesErrorThrownAndTheDiffClosedUnread()
    {
        _warehouse.Check = (3, "12345"); // as many keys as the state held: the statement runs ahead
        _warehouse.DiffRows.AddRange([Row("ключ_1", "Zoë 🙂"), Row("k2", "")]);

        var thrown = await Assert.ThrowsAsync<StateStoreFailure>(() => ReadAllAsync(Records(failAfter: 1)));

        Assert.Equal("state.db is locked", thrown.Message);
        Assert.Equal(["diff opened", "diff row read", "diff closed"], _warehouse.Events.Where(e => e.StartsWith("diff", StringComparison.Ordinal)));
        Assert.DoesNotContain(_log.Entries, e => e.Id == 1454);
    }

    [Fact]
    public async Task Read_StateAndDiffBothFail_TheStatesErrorThrownAndTheDiffsLogged()
    {
        _warehouse.Check = (3, "12345");
        _warehouse.DiffFailure = new WarehouseException("Binder Error: column \"naïve\" not found");

        var thrown = await Assert.ThrowsAsync<StateStoreFailure>(() => ReadAllAsync(Records(failAfter: 2)));

        Assert.Equal("state.db is locked", thrown.Message);
        var logged = Assert.Single(_log.Entries, e => e.Id == 1454).Message;
        Assert.Contains("column \"naïve\" not found", logged, StringComparison.Ordinal);
        Assert.Contains("state.db is locked", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SnapshotDiffersFromTheStateBySum_DiffClosedBeforeTheRebuildThenRunAgainAndRead()
    {
        _warehouse.Check = (3, "12345"); // the state's 3 keys, but not their check numbers' sum
        _warehouse.DiffRows.Add(Row("ключ_1", "Zoë 🙂"));

        var events = await ReadAllAsync(Records(failAfter: null));

        var log = _warehouse.Events;
        var (closed, rebuilt) = (log.IndexOf("diff closed"), log.IndexOf("execute delete"));
        Assert.InRange(closed, 0, rebuilt - 1);
        Assert.Equal(["diff opened", "diff row read", "diff closed", "diff opened", "diff row read", "diff closed"], log.Where(e => e.StartsWith("diff", StringComparison.Ordinal)));
        Assert.InRange(log.IndexOf("diff opened", closed), rebuilt + 1, log.Count - 1); // run again on the rebuilt snapshot
        Assert.Contains(events, e => e is RowChange { Key: "ключ_1", Kind: ChangeKind.Changed });
        Assert.Contains(_log.Entries, e => e.Id == 1451);
    }

    [Fact]
    public async Task Read_SnapshotAsTheStateHasIt_TheStatementRunDuringTheCheckIsTheOneRead()
    {
        var records = Records(failAfter: null);
        _warehouse.Check = (3, SumOf(records));
        _warehouse.DiffRows.AddRange([Row("k0", "Zoë 🙂"), Row("ключ_1", "")]);

        var events = await ReadAllAsync(records);

        Assert.Equal(["diff opened", "diff row read", "diff row read", "diff closed"], _warehouse.Events.Where(e => e.StartsWith("diff", StringComparison.Ordinal)));
        Assert.DoesNotContain(_warehouse.Events, e => e.StartsWith("execute delete", StringComparison.Ordinal) || e.StartsWith("execute insert", StringComparison.Ordinal));
        Assert.Equal(["k0", "ключ_1"], events.OfType<RowChange>().Select(c => c.Key));
    }

    [Fact]
    public async Task Read_StatementRunAheadFailsAndTheSnapshotDiffersBySum_LoggedRepairedAndRunAgain()
    {
        var records = Records(failAfter: null);
        _warehouse.Check = (3, "12345"); // the keys' count agrees, their sum does not: the statement ran ahead
        _warehouse.DiffFailure = new WarehouseException("Out of Memory Error: could not allocate block of size 256KiB (96MB/96MB used)");
        _warehouse.FailOnce = true;
        _warehouse.DiffRows.Add(Row("ключ_1", "Zoë 🙂"));

        var events = await ReadAllAsync(records);

        Assert.Contains("Out of Memory Error", Assert.Single(_log.Entries, e => e.Id == 1455).Message, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Id == 1451);
        Assert.Equal(["diff opened", "diff opened", "diff row read", "diff closed"], _warehouse.Events.Where(e => e.StartsWith("diff", StringComparison.Ordinal)));
        Assert.Contains(events, e => e is RowChange { Key: "ключ_1", Kind: ChangeKind.Changed });
    }

    [Fact]
    public async Task Read_SnapshotHoldsFewerKeysThanTheState_NoStatementRunBeforeTheRebuild()
    {
        _warehouse.Check = (0, "0");
        _warehouse.DiffRows.Add(Row("ключ_1", "Zoë 🙂"));

        await ReadAllAsync(Records(failAfter: null));

        var log = _warehouse.Events;
        Assert.Equal(1, log.Count(e => e == "diff opened"));
        Assert.InRange(log.IndexOf("execute delete"), 0, log.IndexOf("diff opened") - 1);
    }

    // The statement fails where the check passed (DuckDB out of memory, a million row hashes moved): the run diffs as
    // without the snapshot, by key rows and fetches, with the same changes, and logs the error without its values.
    [Fact]
    public async Task Read_StatementFailsWhereTheCheckPassed_LoggedAndDiffedWithoutTheSnapshot()
    {
        var records = Records(failAfter: null);
        _warehouse.Check = (3, SumOf(records));
        _warehouse.DiffFailure = new WarehouseException("Out of Memory Error: failed to pin block of size 256.0 KiB near 'Zoë 🙂 secret'") { OutOfResources = true };
        _warehouse.ModelRows.AddRange([["k0", "as stored", "0000000000000015", true], ["new", "", "00000000000000bb", false], ["ключ_1", null, "00000000000000aa", true]]);

        var events = await ReadAllAsync(records);

        Assert.Equal(
            ["new Added", "zz Removed", "ключ_1 Changed"],
            events.OfType<RowChange>().Select(c => $"{c.Key} {c.Kind}").Order(StringComparer.Ordinal));
        Assert.Equal(["diff opened", "key rows read", "fetch of 2"], _warehouse.Events.Where(e => e is "diff opened" or "key rows read" or "fetch of 2"));
        var logged = Assert.Single(_log.Entries, e => e.Id == 1456).Message;
        Assert.Contains("Out of Memory Error", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", logged, StringComparison.Ordinal);
    }

    // An error in the model or its data would fail the model's run without the snapshot alike: it is the run's at once,
    // with nothing read twice and no line saying the run goes on without the snapshot.
    [Fact]
    public async Task Read_StatementFailsOnTheDataWhereTheCheckPassed_ThatErrorThrownWithoutASecondRead()
    {
        var records = Records(failAfter: null);
        _warehouse.Check = (3, SumOf(records));
        _warehouse.DiffFailure = new WarehouseException("Conversion Error: Could not convert string 'Zoë 🙂' to INT32");
        _warehouse.ModelRows.AddRange([["k0", "as stored", "0000000000000015", true]]);

        var thrown = await Assert.ThrowsAsync<WarehouseException>(() => ReadAllAsync(records));

        Assert.Contains("Could not convert string", thrown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_warehouse.Events, e => e is "key rows read" || e.StartsWith("fetch", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.Id == 1456);
    }

    private static string SumOf(FailingRecords records) =>
        records.All.Aggregate(System.Numerics.BigInteger.Zero, (sum, r) => sum + SnapshotEntry.MixOf(r.Key, r.Value)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<List<DiffEvent>> ReadAllAsync(SavedRecords records) =>
        WarehouseDiffKit.ReadAllAsync(_warehouse, "{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }", records, _log);

    private static object?[] Row(string key, string name) => [key, name, "00000000000000aa", true, key, null, 1L];

    private static FailingRecords Records(int? failAfter) => new(failAfter, new Dictionary<string, RecordState>(StringComparer.Ordinal)
    {
        ["k0"] = new(11, true, 21), ["ключ_1"] = new(12, true, 22), ["zz"] = new(13, false, 23),
    });

    private sealed class StateStoreFailure(string message) : Exception(message);

    // Stored records that throw after so many have been read (never, when null).
    private sealed class FailingRecords(int? failAfter, Dictionary<string, RecordState> records) : SavedRecords
    {
        public IReadOnlyDictionary<string, RecordState> All => records;

        public override long Count => records.Count;

        public override async IAsyncEnumerable<StoredRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var read = 0;
            foreach (var (key, state) in records.OrderBy(r => r.Key, KeyOrder.Instance))
            {
                await Task.Yield();
                if (read++ == failAfter)
                {
                    throw new StateStoreFailure("state.db is locked");
                }

                yield return new StoredRecord(key, state);
            }
        }

        public override Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            Task.FromResult(keys.Where(records.ContainsKey).Distinct().ToDictionary(k => k, k => records[k], StringComparer.Ordinal));
    }
}
