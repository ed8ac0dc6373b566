using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>The per-record log, alike in every store: batches in order, read back newest first, pruned by age and size.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task RecordLog_BatchesReadBackNewestFirstWithEveryFieldAndAwkwardText()
    {
        var store = await CreateAsync();
        var key = "Zoë/東京 " + new string('ж', 2_000);
        var request = $$"""{"name":"Zoë \"Q\" 😀","note":null,"empty":"","email":"[redacted]","essay":"{{new string('x', 200)}}… (5000 characters)"}""";
        await store.AppendRecordLogAsync("s", 1, [
            new(key, "create", "entered", "sent", At) { VendorId = "vid-1", Request = request, FieldHashes = """{"name":"00ff00ff00ff00ff"}""" },
            new("other", "none", "unmatched", "skipped", At),
        ], CancellationToken.None);
        await store.AppendRecordLogAsync("s", 2, [new(key, "update", "changed", "failed", At.AddHours(1)) { Message = "PROPERTY_DOESNT_EXIST: 'naïve' \u0001 line\nbreak" }], CancellationToken.None);
        await store.AppendRecordLogAsync("t", 3, [new(key, "message", "entered", "sent", At)], CancellationToken.None);

        var entries = await OpenAgain().LoadRecordLogAsync("s", key, 10, CancellationToken.None);

        Assert.Equal([(2L, "update", "changed", "failed"), (1L, "create", "entered", "sent")], entries.Select(e => (e.RunId, e.Action, e.Decision, e.Outcome)));
        Assert.Equal((At.AddHours(1), "PROPERTY_DOESNT_EXIST: 'naïve' \u0001 line\nbreak", (string?)null, (string?)null), (entries[0].At, entries[0].Message, entries[0].VendorId, entries[0].Request));
        Assert.Equal((At, key, "vid-1", request, """{"name":"00ff00ff00ff00ff"}"""), (entries[1].At, entries[1].Key, entries[1].VendorId, entries[1].Request, entries[1].FieldHashes));
        Assert.Single(await store.LoadRecordLogAsync("s", key, 1, CancellationToken.None));
        Assert.Empty(await store.LoadRecordLogAsync("s", "nope", 10, CancellationToken.None));
        await store.AppendRecordLogAsync("s", 4, [], CancellationToken.None);
    }

    [Fact]
    public async Task RecordLog_EmptyAndLongText_AreReadBackAsWrittenNotAsNull()
    {
        var store = await CreateAsync();
        var (key, text) = ("Zoë 東京 \"q\"", new string('é', 600) + " " + new string('x', 600)); // the long one past the stack buffer
        await store.AppendRecordLogAsync("s", 1, [
            new(key, "create", "entered", "failed", At) { Message = "", VendorId = "", Request = "{}", FieldHashes = text },
            new(key, "update", "changed", "sent", At.AddSeconds(1)) { Message = text },
        ], CancellationToken.None);

        var entries = await OpenAgain().LoadRecordLogAsync("s", key, 10, CancellationToken.None);

        Assert.Equal([(text, (string?)null), (string.Empty, text)], entries.Select(e => (e.Message, e.FieldHashes)));
        Assert.Equal([(key, (string?)null, (string?)null), (key, string.Empty, "{}")], entries.Select(e => (e.Key, e.VendorId, e.Request)));
    }

    [Fact]
    public async Task RecordLog_Prune_DropsWhatIsOlderThenTheOldestPastTheBoundOfThatSyncOnly()
    {
        var store = await CreateAsync();
        await store.AppendRecordLogAsync("s", 1, Entries("old", 5, At.AddDays(-20)), CancellationToken.None);
        await store.AppendRecordLogAsync("s", 2, Entries("k", 2_500, At), CancellationToken.None);
        await store.AppendRecordLogAsync("t", 3, Entries("old", 5, At.AddDays(-20)), CancellationToken.None);

        var dropped = await store.PruneRecordLogAsync("s", At.AddDays(-14), 1_000, CancellationToken.None);

        Assert.Equal(5 + 1_500, dropped);
        Assert.Empty(await store.LoadRecordLogAsync("s", "old-0", 10, CancellationToken.None));
        Assert.Empty(await store.LoadRecordLogAsync("s", "k-1499", 10, CancellationToken.None));
        Assert.Single(await store.LoadRecordLogAsync("s", "k-1500", 10, CancellationToken.None));
        Assert.Single(await store.LoadRecordLogAsync("t", "old-0", 10, CancellationToken.None));
        Assert.Equal(0, await store.PruneRecordLogAsync("s", At.AddDays(-14), 1_000, CancellationToken.None));
    }

    [Fact]
    public async Task RecordLog_PruneByAge_DropsEverySyncsOldEntries_KeepsTheRecentOnes()
    {
        var store = await CreateAsync();
        Assert.Equal(0, await store.PruneRecordLogByAgeAsync(At, CancellationToken.None)); // no entries, no sync to visit
        await store.AppendRecordLogAsync("removed-sync", 1, Entries("old", 3, At.AddDays(-20)), CancellationToken.None);
        await store.AppendRecordLogAsync("s", 2, Entries("old", 2, At.AddDays(-15)), CancellationToken.None);
        await store.AppendRecordLogAsync("s", 3, Entries("new", 2, At), CancellationToken.None);

        // Names that sort next to each other and past ASCII: each sync is found by the one before it.
        foreach (var (sync, run) in new[] { ("s-2", 4L), ("S", 5L), ("Ünïcode sync 東京", 6L), ("", 7L) })
        {
            await store.AppendRecordLogAsync(sync, run, Entries("old", 2, At.AddDays(-30)), CancellationToken.None);
            await store.AppendRecordLogAsync(sync, run, Entries("new", 1, At.AddDays(-1)), CancellationToken.None);
        }

        var dropped = await store.PruneRecordLogByAgeAsync(At.AddDays(-14), CancellationToken.None);

        Assert.Equal(5 + (4 * 2), dropped);
        Assert.Empty(await store.LoadRecordLogAsync("removed-sync", "old-0", 10, CancellationToken.None));
        Assert.Empty(await store.LoadRecordLogAsync("s", "old-1", 10, CancellationToken.None));
        Assert.Single(await store.LoadRecordLogAsync("s", "new-1", 10, CancellationToken.None));
        foreach (var sync in new[] { "s-2", "S", "Ünïcode sync 東京", "" })
        {
            Assert.Empty(await store.LoadRecordLogAsync(sync, "old-1", 10, CancellationToken.None));
            Assert.Single(await store.LoadRecordLogAsync(sync, "new-0", 10, CancellationToken.None));
        }

        Assert.Equal(0, await store.PruneRecordLogByAgeAsync(At.AddDays(-14), CancellationToken.None));
    }

    private static List<RecordLogEntry> Entries(string prefix, int count, DateTimeOffset at) =>
        Enumerable.Range(0, count).Select(i => new RecordLogEntry($"{prefix}-{i}", "update", "changed", "sent", at.AddMilliseconds(i))).ToList();
}
