using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>Failing records, held plans and approvals, alike in every store.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task Failures_ListedWithAttemptsParkedRetriedAndSkipped()
    {
        var store = await CreateAsync();
        var key = "Zoë's " + new string('ю', 300);
        await store.RecordFailuresAsync("s", 1, [new(key, false, "PROPERTY_DOESNT_EXIST") { Attempted = new RecordState(ulong.MaxValue, true) }, new("r", true, "ratelimited")], CancellationToken.None);
        await store.RecordFailuresAsync("s", 2, [new(key, false, "still no property") { Attempted = new RecordState(ulong.MaxValue, true) }], CancellationToken.None);

        var (listed, total) = await store.ListFailuresAsync("s", 1, CancellationToken.None);
        var parked = await store.LoadParkedAsync("s", CancellationToken.None);

        Assert.Equal((2, key, 2, true, "still no property"), (total, listed[0].Key, listed[0].Attempts, listed[0].Parked, listed[0].Message));
        Assert.True(listed[0].FirstFailedAt <= listed[0].LastFailedAt);
        Assert.Equal(new Dictionary<string, ulong> { [key] = ulong.MaxValue }, parked);

        Assert.Equal(1, await store.RetryAsync("s", key, CancellationToken.None));
        Assert.Empty(await store.LoadParkedAsync("s", CancellationToken.None));
        Assert.Equal(0, await store.RetryAsync("s", "nope", CancellationToken.None));
    }

    [Fact]
    public async Task Skip_RecordsWhatWasAttemptedAsDeliveredAndDropsTheFailure()
    {
        var store = await CreateAsync();
        await store.RecordFailuresAsync("s", 1, [new("a", false, "bad") { Attempted = new RecordState(42, true) }, new("gone", false, "delete refused"), new("other", true, "x")], CancellationToken.None);

        var skipped = await store.SkipAsync("s", null, CancellationToken.None);

        Assert.Equal(3, skipped);
        Assert.Equal(0, (await store.ListFailuresAsync("s", 10, CancellationToken.None)).Total);
        Assert.Equal(new RecordState(42, true), Assert.Single(await store.LoadRecordsAsync("s", CancellationToken.None)).Value);
    }

    [Fact]
    public async Task RetryThenSkip_StillRecordsWhatWasAttempted_SkippedDeleteForgetsTheRecord()
    {
        var store = await CreateAsync();
        await store.ApplyAsync("s", [new("gone", new RecordState(9, true), "crm-9")], CancellationToken.None);
        await store.RecordFailuresAsync("s", 1, [new("a", false, "bad") { Attempted = new RecordState(42, true) }, new("gone", false, "OBJECT_LOCKED") { Delete = true }], CancellationToken.None);
        var parked = await store.LoadParkedAsync("s", CancellationToken.None);

        await store.RetryAsync("s", null, CancellationToken.None);
        var afterRetry = await store.LoadParkedAsync("s", CancellationToken.None);
        Assert.Equal(2, await store.SkipAsync("s", null, CancellationToken.None));

        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 42, ["gone"] = 0 }, parked);
        Assert.Empty(afterRetry);
        Assert.Equal(new RecordState(42, true), Assert.Single(await store.LoadRecordsAsync("s", CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Reset_ForgetsRecordsFailuresPendingAndColumnsOfThatSyncOnly()
    {
        var store = await CreateAsync();
        foreach (var sync in new[] { "s", "t" })
        {
            await store.ApplyAsync(sync, [new("a", new RecordState(1, true)), new("b", new RecordState(2, false))], CancellationToken.None);
            await store.RecordFailuresAsync(sync, 1, [new("c", true, "x")], CancellationToken.None);
            await store.SaveColumnsAsync(sync, new Dictionary<string, string> { ["a"] = "VARCHAR" }, CancellationToken.None);
        }

        await store.RecordHeldAsync("s", 1, [new("updates", 5, 1, "5 updates planned")], CancellationToken.None);

        Assert.Equal(2, await store.ResetAsync("s", CancellationToken.None));
        Assert.Empty(await store.LoadHeldAsync("s", CancellationToken.None));

        Assert.Empty(await store.LoadRecordsAsync("s", CancellationToken.None));
        Assert.Empty(await store.LoadColumnsAsync("s", CancellationToken.None));
        Assert.Equal(0, (await store.ListFailuresAsync("s", 10, CancellationToken.None)).Total);
        Assert.Equal(2, (await store.LoadRecordsAsync("t", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task HeldPlans_ReplacedUntilApprovedThenUsedOnce()
    {
        var store = await CreateAsync();
        await store.RecordHeldAsync("s", 1, [new("updates", 2151, 1075, "2151 updates planned") { Samples = ["a", "Zoë"] }], CancellationToken.None);
        await store.RecordHeldAsync("s", 2, [new("updates", 2152, 1076, "2152 updates planned"), new("creates", 5, 1, "5 creates")], CancellationToken.None);

        var waiting = await store.LoadHeldAsync("s", CancellationToken.None);
        var approved = await store.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        var approvals = await OpenAgain().LoadApprovalsAsync("s", CancellationToken.None);
        await store.UseApprovalsAsync("s", 3, ["updates"], CancellationToken.None);

        Assert.Equal([("creates", 5L, 2L), ("updates", 2152L, 2L)], waiting.Select(p => (p.Kind, p.Count, p.RunId)));
        Assert.Equal(waiting.Select(p => p.Reason), approved.Select(p => p.Reason));
        Assert.Equal(new Dictionary<string, long> { ["updates"] = 2152, ["creates"] = 5 }, approvals);
        Assert.Equal(["creates"], (await store.LoadApprovalsAsync("s", CancellationToken.None)).Keys);
        Assert.Empty(await store.LoadHeldAsync("s", CancellationToken.None));
        Assert.Empty(await store.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None));
        await store.RecordHeldAsync("s", 4, [new("deletes", 3, 0, "3 deletes")], CancellationToken.None);
        await store.RecordHeldAsync("s", 5, [], CancellationToken.None);
        Assert.Empty(await store.LoadHeldAsync("s", CancellationToken.None)); // a clean run: nothing waits any more
    }

    [Fact]
    public async Task History_LatestRunsOfOneSyncNewestFirst()
    {
        var store = await CreateAsync();
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var first = await store.StartRunAsync("s", at, CancellationToken.None);
        await store.FinishRunAsync(first, new RunResult(at.AddSeconds(12), RunStatus.Failed, new RunCounts { RowsRead = 3 }, "Zoë's warehouse said no"), CancellationToken.None);
        await store.StartRunAsync("other", at, CancellationToken.None);
        var second = await store.StartRunAsync("s", at.AddHours(1), CancellationToken.None);
        var third = await store.StartRunAsync("s", at.AddHours(2), CancellationToken.None);

        var all = await OpenAgain().GetHistoryAsync("s", 10, CancellationToken.None);
        var two = await store.GetHistoryAsync("s", 2, CancellationToken.None);

        Assert.Equal([third, second, first], all.Select(r => r.RunId));
        Assert.Equal([third, second], two.Select(r => r.RunId));
        Assert.Equal(("Failed", at.AddSeconds(12), "Zoë's warehouse said no", 3L), (all[2].Status, all[2].FinishedAt, all[2].Error, all[2].Counts.RowsRead));
        Assert.Equal("Abandoned", all[1].Status); // left open, closed when run 3 started
        Assert.Empty(await store.GetHistoryAsync("none", 10, CancellationToken.None));
    }

    // Every count, what the run read besides its rows too (status --json showed 0 for those: they were not stored).
    [Fact]
    public async Task FinishRun_KeepsEveryCountRecordedParkedHeldBackAndWhatItRead()
    {
        var store = await CreateAsync();
        var run = await store.StartRunAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        var counts = new RunCounts
        {
            RowsRead = 10, Added = 10, Baselined = 7, Parked = 2, Withheld = 3, Rejected = 1, Changed = 4, Removed = 5, Sent = 6, Failed = 8,
            RowsFetched = 11, KeysRead = 12_000_000_000, BucketsRead = 65_536, Held = 13,
        };
        await store.FinishRunAsync(run, new RunResult(DateTimeOffset.UnixEpoch, RunStatus.Held, counts, "held"), CancellationToken.None);

        var status = Assert.Single(await OpenAgain().GetStatusAsync(CancellationToken.None));
        var history = Assert.Single(await OpenAgain().GetHistoryAsync("s", 5, CancellationToken.None));

        Assert.Equal(("Held", counts), (status.Status, status.Counts));
        Assert.Equal(counts, history.Counts);
    }

    [Fact]
    public async Task HasCompletedRun_OnlyOnceARunSucceededOrPartiallyFailed()
    {
        var store = await CreateAsync();
        var failed = await store.StartRunAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        await store.FinishRunAsync(failed, new RunResult(DateTimeOffset.UnixEpoch, RunStatus.Failed, new RunCounts(), "boom"), CancellationToken.None);
        var before = await store.HasCompletedRunAsync("s", CancellationToken.None);
        var ok = await store.StartRunAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        await store.FinishRunAsync(ok, new RunResult(DateTimeOffset.UnixEpoch, RunStatus.PartiallyFailed, new RunCounts(), null), CancellationToken.None);

        Assert.Equal((false, true, false), (before, await store.HasCompletedRunAsync("s", CancellationToken.None), await store.HasCompletedRunAsync("t", CancellationToken.None)));
    }
}
