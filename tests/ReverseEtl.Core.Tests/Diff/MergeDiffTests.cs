using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Tests.Diff;

/// <summary>The merge of two key-ordered streams gives the events of the diff against the state in memory.</summary>
public class MergeDiffTests
{
    // Keys whose orders differ: UTF-16 vs code point (emoji vs U+FFFD), "9" vs "10", case, non-ASCII, long, spaces.
    private static readonly string[] AwkwardKeys =
    [
        "9", "10", "a", "A", "b", "é", "e\u0301", "Zoë", "東京", "\uFFFD", "😀", "\uE000", "a b", " a", "a\u0000b", "ß", "ss",
        new string('x', 5000), "x", "-1", "0", "00", "key\"quote", "key\\slash",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task DiffAsync_RandomStateAndRowsWithAwkwardKeys_SameEventsAsTheDiffInMemory(int seed)
    {
        var random = new Random(seed);
        var state = AwkwardKeys.Where(_ => random.Next(3) > 0)
            .ToDictionary(k => k, k => new RecordState((ulong)random.Next(3), random.Next(2) == 0), StringComparer.Ordinal);
        var rows = Rows(random);

        var merged = await Events(MergeDiff.DiffAsync(rows.ToAsyncEnumerable(), Ordered(state), (p, k) => new InvalidOperationException($"{k} after {p}")));
        var inMemory = await Events(DiffEngine.DiffAsync(rows.ToAsyncEnumerable(), new Dictionary<string, RecordState>(state, StringComparer.Ordinal)));

        Assert.NotEmpty(merged);
        Assert.Equal(inMemory.Order(StringComparer.Ordinal), merged.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DiffAsync_NewChangedSameMissingDuplicateAndNullKeys_RemovalsLastInKeyOrder()
    {
        var state = new Dictionary<string, RecordState>(StringComparer.Ordinal)
        {
            ["10"] = new(1, true), ["9"] = new(2, true), ["dup"] = new(3, true), ["gone-b"] = new(4, true), ["gone-a"] = new(5, false), ["😀"] = new(6, true),
        };
        MappedRow[] rows = [Row(1, "10", 1), Row(2, "9", 20), Row(3, "dup", 7), Row(4, "dup", 8), new(5, null, "primary key column 'id' is null or empty", true, 0, Empty), Row(6, "new", 9), Row(7, "\uFFFD", 6), Row(8, "😀", 6)];

        var events = await Events(MergeDiff.DiffAsync(rows.ToAsyncEnumerable(), Ordered(state), (p, k) => new InvalidOperationException()));

        Assert.Equal(
            [
                "9 Changed True→True #2 20",
                "rejected 3 dup: duplicate primary key 'dup' (rows 3 and 4); no row of this key is synced until the model has one",
                "rejected 4 dup: duplicate primary key 'dup' (rows 3 and 4); no row of this key is synced until the model has one",
                "rejected 5 : primary key column 'id' is null or empty",
                "new Added False→True #6 9",
                "\uFFFD Added False→True #7 6",
                "gone-a Removed False→False",
                "gone-b Removed True→False",
            ],
            events);
    }

    [Fact]
    public async Task DiffAsync_RowOutOfKeyOrder_ThrowsBeforeYieldingAnythingOfIt()
    {
        MappedRow[] rows = [Row(1, "a", 1), Row(2, "c", 1), Row(3, "b", 1)];
        var seen = new List<DiffEvent>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var e in MergeDiff.DiffAsync(rows.ToAsyncEnumerable(), Ordered([]), (p, k) => new InvalidOperationException($"'{k}' after '{p}'")))
            {
                seen.Add(e);
            }
        });

        Assert.Equal("'b' after 'c'", error.Message);
        Assert.Equal(["a"], seen.OfType<RowChange>().Select(c => c.Key));
    }

    // A state store that gives its keys in another order (PostgreSQL in WIN1252 sorted '€' before 'ü'): the merge would
    // take 'über_1' for removed and its row for added, and go on so. It stops as soon as the state is read that far,
    // naming both keys. What was judged before stands ('b', and 'über_1' judged before the state reached it); 'a',
    // passed over, is never yielded as removed. A key stored twice stops the read at its second.
    [Theory]
    [InlineData("€_1", "über_1", "b Added False→True #1 1|über_1 Added False→True #2 3")]
    [InlineData("b", "b", "")]
    public async Task DiffAsync_StateOutOfKeyOrder_StopsNamingBothKeysNoKeyPassedOverRemoved(string first, string second, string judged)
    {
        StoredRecord[] stored = [new("a", new(1, true)), new(first, new(2, true)), new(second, new(3, true)), new("zz", new(4, true))];
        MappedRow[] rows = [Row(1, "b", 1), Row(2, "über_1", 3), Row(3, "€_1", 2)];
        var seen = new List<DiffEvent>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var e in MergeDiff.DiffAsync(rows.ToAsyncEnumerable(), stored.ToAsyncEnumerable(), (p, k) => new ArgumentException(k)))
            {
                seen.Add(e);
            }
        });

        Assert.StartsWith($"the sync state gave key '{second}' after '{first}', out of key order (by code point); the run stops here.", error.Message, StringComparison.Ordinal);
        Assert.Equal(judged.Split('|', StringSplitOptions.RemoveEmptyEntries), seen.Select(Text));
    }

    // Past the last row, the stored keys left are removals: those read before the key out of order are out.
    [Fact]
    public async Task DiffAsync_StateOutOfKeyOrderAfterTheLastRow_StopsThere()
    {
        StoredRecord[] stored = [new("a", new(1, true)), new("c", new(2, true)), new("b", new(3, true))];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Events(MergeDiff.DiffAsync(new[] { Row(1, "a", 1) }.ToAsyncEnumerable(), stored.ToAsyncEnumerable(), (p, k) => new ArgumentException(k))));

        Assert.StartsWith("the sync state gave key 'b' after 'c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiffAsync_ReadFailsMidway_YieldsNoRemovals()
    {
        var state = new Dictionary<string, RecordState>(StringComparer.Ordinal) { ["a"] = new(1, true), ["0"] = new(2, true), ["z"] = new(3, true) };
        var seen = new List<DiffEvent>();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var e in MergeDiff.DiffAsync(Failing(Row(1, "b", 1), Row(2, "c", 1)), Ordered(state), (p, k) => new ArgumentException(k)))
            {
                seen.Add(e);
            }
        });

        Assert.Equal(["b Added False→True #1 1"], seen.Select(Text));
    }

    // Rows as the warehouse sends them: ordered by key text in code-point order, some keys twice (side by side), some null.
    private static List<MappedRow> Rows(Random random)
    {
        var keys = AwkwardKeys.Where(_ => random.Next(4) > 0).SelectMany(k => random.Next(8) == 0 ? [k, k] : new[] { k }).ToList();
        var rows = keys.Order(KeyOrder.Instance).Select((k, i) => Row(i + 1, k, (ulong)random.Next(3), random.Next(2) == 0)).ToList();
        rows.Insert(random.Next(rows.Count + 1), new MappedRow(0, null, "primary key column 'id' is null or empty", true, 0, Empty));
        return rows.Select((r, i) => r with { Number = i + 1 }).ToList();
    }

    private static IAsyncEnumerable<StoredRecord> Ordered(Dictionary<string, RecordState> state) =>
        state.OrderBy(s => s.Key, KeyOrder.Instance).Select(s => new StoredRecord(s.Key, s.Value)).ToAsyncEnumerable();

    private static async Task<List<string>> Events(IAsyncEnumerable<DiffEvent> events)
    {
        var texts = new List<string>();
        await foreach (var e in events)
        {
            texts.Add(Text(e));
        }

        return texts;
    }

    private static string Text(DiffEvent e) => e switch
    {
        RowRejected r => $"rejected {r.RowNumber} {r.Key}: {r.Reason}",
        RowChange c => $"{c.Key} {c.Kind} {c.WasMatching}→{c.IsMatching}" + (c.Row is { } row ? $" #{row.Number} {row.Hash}" : string.Empty),
        _ => e.ToString(),
    };

    private static async IAsyncEnumerable<MappedRow> Failing(params MappedRow[] first)
    {
        foreach (var row in first)
        {
            yield return row;
        }

        await Task.Yield();
        throw new InvalidOperationException("the warehouse connection dropped");
    }

    private static MappedRow Row(long number, string key, ulong hash, bool matches = true) => new(number, key, null, matches, hash, Empty);

    private static readonly Dictionary<string, object?> Empty = [];
}
