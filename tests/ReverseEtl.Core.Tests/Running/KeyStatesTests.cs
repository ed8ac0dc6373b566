using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Running;

public class KeyStatesTests
{
    // In KeyOrder (by code point): U+E000 and U+FFFD sort before an emoji, which UTF-16 order would put first.
    private static readonly string[] Stored = ["10", "9", "ABC", "abc", "x\uE000", "x\uFFFD", "x\U0001F642", "ü"];

    [Fact]
    public async Task FindAsync_Streamed_TakesStoredKeysAndKeepsThosePassedOverAsRemovedInKeyOrder()
    {
        await using var states = await OpenAsync(stream: true, wanted: null);

        Assert.Equal(State(1), await states.FindAsync("9"));
        Assert.Null(await states.FindAsync("Abc"));
        Assert.Equal(State(6), await states.FindAsync("x\U0001F642"));
        Assert.Null(await states.FindAsync("zz"));

        Assert.True(states.Streams);
        Assert.Empty(states.Previous);
        Assert.Equal(["10", "ABC", "abc", "x\uE000", "x\uFFFD", "ü"], await RemovedAsync(states));
    }

    [Fact]
    public async Task FindAsync_StreamedAndFiltered_ComparesWithTheWantedKeysOnly()
    {
        await using var states = await OpenAsync(stream: true, wanted: key => key.StartsWith('x'));

        Assert.Null(await states.FindAsync("9"));
        Assert.Equal(State(5), await states.FindAsync("x\uFFFD"));
        states.Fetching("x\uFFFD", State(5));
        states.Fetching("new", null);

        Assert.Equal(["x\uE000", "x\U0001F642"], await RemovedAsync(states));
        Assert.Equal(State(5), Assert.Single(states.Previous).Value);
    }

    [Theory]
    [InlineData("abc", "ABC")]
    [InlineData("abc", "abc")]
    [InlineData("x\U0001F642", "x\uFFFD")]
    public async Task FindAsync_StreamedKeyNotAfterThePrevious_ThrowsTheOutOfOrderException(string first, string second)
    {
        await using var states = await OpenAsync(stream: true, wanted: null);
        await states.FindAsync(first);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await states.FindAsync(second));

        Assert.Equal($"'{second}' after '{first}'", error.Message);
    }

    // A state store giving '€' before 'ü' (PostgreSQL in WIN1252): 'über_1' would be found new and also removed. The
    // read stops at the first stored key out of order, wanted or not, naming both keys; none passed over comes out removed.
    [Fact]
    public async Task FindAsync_StoredKeysOutOfKeyOrder_StopsNamingBothKeysNothingRemoved()
    {
        StoredRecord[] stored = [new("a", State(1)), new("€_1", State(2)), new("über_1", State(3)), new("zz", State(4))];
        await using var states = new KeyStates(_ => stored.ToAsyncEnumerable(), record => record.Key != "über_1", (previous, key) => new ArgumentException(key));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await states.OpenAsync(stream: true, CancellationToken.None);
            await states.FindAsync("b");
            await states.FindAsync("zz");
        });

        Assert.StartsWith("the sync state gave key 'über_1' after '€_1', out of key order (by code point)", error.Message, StringComparison.Ordinal);
        Assert.Empty(states.Previous);
    }

    [Fact]
    public async Task FindAsync_InMemory_AnyOrderAndNothingRemovedOutsideTheDictionary()
    {
        await using var states = await OpenAsync(stream: false, wanted: key => key != "ABC");

        Assert.Equal(State(3), await states.FindAsync("abc"));
        Assert.Equal(State(0), await states.FindAsync("10"));
        Assert.Null(await states.FindAsync("ABC"));
        states.Fetching("abc", State(99));

        Assert.False(states.Streams);
        Assert.Equal(Stored.Length - 1, states.Previous.Count);
        Assert.Equal(State(3), states.Previous["abc"]);
        Assert.Empty(await RemovedAsync(states));
    }

    private static async Task<KeyStates> OpenAsync(bool stream, Func<string, bool>? wanted)
    {
        var states = new KeyStates(_ => Records(), wanted is null ? null : record => wanted(record.Key), (previous, key) => new InvalidOperationException($"'{key}' after '{previous}'"));
        await states.OpenAsync(stream, CancellationToken.None);
        return states;
    }

    private static async IAsyncEnumerable<StoredRecord> Records()
    {
        foreach (var (key, at) in Stored.Select((k, i) => (k, i)))
        {
            await Task.Yield();
            yield return new StoredRecord(key, State(at));
        }
    }

    private static RecordState State(int at) => new((ulong)at + 100, Matched: at % 2 == 0, RowHash: (ulong)at + 1);

    private static async Task<List<string>> RemovedAsync(KeyStates states)
    {
        var keys = new List<string>();
        await foreach (var record in states.RemovedAsync())
        {
            keys.Add(record.Key);
        }

        return keys;
    }
}
