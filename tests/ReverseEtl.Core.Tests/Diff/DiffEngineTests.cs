using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Tests.Diff;

public class DiffEngineTests
{
    [Fact]
    public async Task DiffAsync_NewChangedSameAndMissingKeys_YieldsAddedChangedAndRemovedOnly()
    {
        var previous = State(("a", 1, true), ("b", 2, true), ("c", 3, true));
        var events = await Diff(previous, Row(1, "a", 1, true), Row(2, "b", 20, true), Row(3, "d", 4, true));

        Assert.Equal(
            ["b:Changed", "d:Added", "c:Removed"],
            events.OfType<RowChange>().Select(c => $"{c.Key}:{c.Kind}"));
    }

    [Fact]
    public async Task DiffAsync_RowStartsAndStopsMatching_ReportsEnterAndExitTransitions()
    {
        var previous = State(("stays", 1, true), ("leaves", 2, true), ("joins", 3, false), ("gone", 4, true));
        var events = await Diff(previous, Row(1, "joins", 3, true), Row(2, "leaves", 2, false), Row(3, "new", 5, true), Row(4, "stays", 9, true));

        var changes = events.OfType<RowChange>().ToDictionary(c => c.Key);
        Assert.True(changes["joins"].Entered);
        Assert.True(changes["new"].Entered);
        Assert.True(changes["leaves"].Exited);
        Assert.True(changes["gone"].Exited);
        Assert.True(changes["stays"].ChangedWhileMatching);
        Assert.False(changes["stays"].Entered);
    }

    [Fact]
    public async Task DiffAsync_AdjacentDuplicateKeys_RejectsEveryRowOfTheKeyAndKeepsItsState()
    {
        var previous = State(("dup", 1, true));
        var events = await Diff(previous, Row(1, "dup", 5, true), Row(2, "dup", 6, true), Row(3, "x", 7, true));

        var rejected = events.OfType<RowRejected>().ToList();
        Assert.Equal([1L, 2L], rejected.Select(r => r.RowNumber));
        Assert.Equal("duplicate primary key 'dup' (rows 1 and 2); no row of this key is synced until the model has one", rejected[0].Reason);
        Assert.Equal(["x:Added"], events.OfType<RowChange>().Select(c => $"{c.Key}:{c.Kind}"));
    }

    [Fact]
    public async Task DiffAsync_DuplicateOutOfOrder_RejectsTheLaterRow()
    {
        var events = await Diff([], Row(1, "a", 1, true), Row(2, "b", 2, true), Row(3, "a", 3, true));

        var rejected = Assert.Single(events.OfType<RowRejected>());
        Assert.Equal(3, rejected.RowNumber);
        Assert.Equal(["a", "b"], events.OfType<RowChange>().Select(c => c.Key));
    }

    [Fact]
    public async Task DiffAsync_KeysAdjacent_SameEventsAsWithTheSetOfSeenKeys()
    {
        MappedRow[] rows =
        [
            Row(1, "", 1, true), Row(2, "10", 2, true), Row(3, "9", 3, true), Row(4, "9", 4, false), Row(5, "A", 5, true), Row(6, "a", 6, true),
            Row(7, "a", 6, true), Row(8, "a", 7, true), new MappedRow(9, null, "primary key column 'k' is null or empty", true, 0, Payload()), Row(10, "ключ", 8, true),
        ];
        var previous = new[] { ("9", 3UL, true), ("A", 1UL, true), ("ключ", 8UL, true), ("gone", 9UL, false) };

        var withSet = await Diff(State(previous), rows);
        var adjacent = new List<DiffEvent>();
        await foreach (var e in DiffEngine.DiffAsync(rows.ToAsyncEnumerable(), State(previous), keysAdjacent: true))
        {
            adjacent.Add(e);
        }

        Assert.Equal(withSet, adjacent);
        Assert.Equal([3L, 4L, 6L, 7L, 8L, 9L], adjacent.OfType<RowRejected>().Select(r => r.RowNumber));
        Assert.Equal(["", "10", "A", "gone"], adjacent.OfType<RowChange>().Select(c => c.Key));
    }

    // A source that learns how its rows come only as it reads them (diff: warehouse's rows read whole) is asked once,
    // after its first row; told "adjacent", the diff keeps no set of keys, so it trusts the source with a key out of order.
    [Fact]
    public async Task DiffAsync_AdjacencyAskedAfterTheFirstRow_OnceAndTrusted()
    {
        MappedRow[] rows = [Row(1, "a", 1, true), Row(2, "Zoë 東京", 2, true), Row(3, "a", 3, true)];
        var read = 0;
        var asked = new List<int>();
        async IAsyncEnumerable<MappedRow> Source()
        {
            foreach (var row in rows)
            {
                read++;
                yield return row;
                await Task.Yield();
            }
        }

        var trusted = new List<DiffEvent>();
        await foreach (var e in DiffEngine.DiffAsync(Source(), State(("a", 9, true)), () => { asked.Add(read); return true; }))
        {
            trusted.Add(e);
        }

        var withSet = await Diff(State(("a", 9, true)), rows);
        Assert.Equal([1], asked);
        Assert.Empty(trusted.OfType<RowRejected>());
        Assert.Equal(3L, Assert.Single(withSet.OfType<RowRejected>()).RowNumber);
    }

    [Fact]
    public async Task DiffAsync_NullKey_RejectsTheRowWithItsReason()
    {
        var events = await Diff([], new MappedRow(7, null, "primary key column 'account_id' is null or empty", true, 0, Payload()), Row(8, "b", 1, true));

        var rejected = Assert.Single(events.OfType<RowRejected>());
        Assert.Equal((7L, "primary key column 'account_id' is null or empty"), (rejected.RowNumber, rejected.Reason));
        Assert.Single(events.OfType<RowChange>());
    }

    [Fact]
    public async Task DiffAsync_ReadFailsMidway_YieldsNoRemovals()
    {
        var previous = State(("a", 1, true), ("b", 2, true));
        var seen = new List<DiffEvent>();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var e in DiffEngine.DiffAsync(Failing(Row(1, "a", 1, true)), previous))
            {
                seen.Add(e);
            }
        });

        Assert.DoesNotContain(seen.OfType<RowChange>(), c => c.Kind == ChangeKind.Removed);
    }

    [Fact]
    public void Hash_SamePayloadTwice_IsStableAndChangesWithAnyValue()
    {
        var first = PayloadJson.Hash(Payload(("id", "a"), ("days", 14L), ("when", new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc))));
        var again = PayloadJson.Hash(Payload(("id", "a"), ("days", 14L), ("when", new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc))));
        var changed = PayloadJson.Hash(Payload(("id", "a"), ("days", 15L), ("when", new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc))));

        Assert.Equal(first, again);
        Assert.NotEqual(first, changed);
    }

    // The warehouse's row hash moved where the payload did not: only the stored row hash moves, in row order, as the
    // rows come (not held to the end); a row hash as stored, an unknown one (0: the worker's diff) or a duplicated key's moves nothing.
    [Fact]
    public async Task DiffAsync_RowHashMovedPayloadAsStored_RowRehashedInRowOrder()
    {
        var previous = new Dictionary<string, RecordState>
        {
            ["a"] = new(1, true, RowHash: 10), ["b"] = new(2, true, RowHash: 20), ["c"] = new(3, false, RowHash: 30),
            ["dup"] = new(4, true, RowHash: 40), ["e"] = new(5, true, RowHash: 0), ["f"] = new(6, true, RowHash: 60),
        };

        var events = await Diff(previous,
            Row(1, "a", 1, true) with { RowHash = 11 }, Row(2, "b", 2, true) with { RowHash = 20 }, Row(3, "c", 3, false) with { RowHash = 31 },
            Row(4, "dup", 4, true) with { RowHash = 41 }, Row(5, "dup", 4, true) with { RowHash = 41 }, Row(6, "e", 5, true) with { RowHash = 50 },
            Row(7, "f", 6, true));

        Assert.Equal(
            ["a 11", "c 31", "dup rejected", "dup rejected", "e 50"],
            events.Select(e => e switch { RowRehashed r => $"{r.Key} {r.State.RowHash}", RowRejected r => $"{r.Key} rejected", _ => e.ToString() }));
        Assert.Equal(new RecordState(3, false, 31), events.OfType<RowRehashed>().Single(r => r.Key == "c").State);
    }

    private static async Task<List<DiffEvent>> Diff(Dictionary<string, RecordState> previous, params MappedRow[] rows)
    {
        var events = new List<DiffEvent>();
        await foreach (var e in DiffEngine.DiffAsync(rows.ToAsyncEnumerable(), previous))
        {
            events.Add(e);
        }

        return events;
    }

    private static async IAsyncEnumerable<MappedRow> Failing(MappedRow first)
    {
        yield return first;
        await Task.Yield();
        throw new InvalidOperationException("the warehouse connection dropped");
    }

    private static MappedRow Row(long number, string key, ulong hash, bool matches) => new(number, key, null, matches, hash, Payload());

    private static Dictionary<string, RecordState> State(params (string Key, ulong Hash, bool Matched)[] entries) =>
        entries.ToDictionary(e => e.Key, e => new RecordState(e.Hash, e.Matched));

    private static Dictionary<string, object?> Payload(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);
}
