using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>A sync's <c>limits:</c>: past one, nothing of that kind is sent, the plan is held, and <c>approve</c> releases it once.</summary>
public sealed class SendGuardTests
{
    private static object?[][] Rows(int count, string name = "v1", bool matches = true) =>
        Enumerable.Range(0, count).Select(i => Row($"k{i:D4}", i % 7 == 0 ? null : $"{name} ü {i}", matches)).ToArray();

    [Fact]
    public async Task Updates_PastTheLimit_NoneSentThePlanHeldTheCreatesStillSent()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 3, creates: 10 }", 5);
        foreach (var row in kit.Warehouse.Rows)
        {
            row[1] = "v2 — every row changed";
        }

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Held, 0L, 5L), (report.Status, report.Counts.Sent, report.Counts.Withheld));
        Assert.Empty(kit.Destination.Batches.Skip(3));
        var held = Assert.Single(kit.State.HeldPlans).Plan;
        Assert.Equal(("updates", 5L, 3L, 5), (held.Kind, held.Count, held.Limit, held.Samples.Count));
        Assert.Equal("5 updates planned, more than limits.updates (3); none of them was sent. Check them with `plan --sync s`, then `approve --sync s` to send them on the next run, or raise limits.updates (none: no limit, sent as read)", held.Reason);
        Assert.Equal(held.Reason, report.Error);
        Assert.Contains("5 held back by limits", report.Counts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approve_ReleasesThePlanOnceOnTheNextRun_ThenTheLimitHoldsAgain()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 2 }", 4);
        Change(kit, "v2");
        await kit.RunAsync();
        await kit.State.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);

        var approved = await kit.RunAsync();
        Change(kit, "v3");
        var after = await kit.RunAsync();

        Assert.Equal((RunStatus.Succeeded, 4L), (approved.Status, approved.Counts.Sent));
        Assert.Equal((RunStatus.Held, 0L), (after.Status, after.Counts.Sent));
        Assert.Equal(7L, kit.State.HeldPlans[0].UsedBy);
    }

    [Fact]
    public async Task Approve_SomeApprovedRecordsFailed_TheApprovalStaysForTheRest()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 2 }", 4);
        Change(kit, "v2");
        await kit.RunAsync();
        await kit.State.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        kit.Destination.Answer = r => r.Key == "k0003" ? RecordOutcome.Retryable("rate limited") : RecordOutcome.Sent("id");
        var partly = await kit.RunAsync();
        kit.Destination.Answer = _ => RecordOutcome.Sent("id");
        Change(kit, "v3 ß");

        var rest = await kit.RunAsync();

        Assert.Equal((RunStatus.PartiallyFailed, 3L), (partly.Status, partly.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 4L), (rest.Status, rest.Counts.Sent)); // 4 updates, within the approved 4
        Assert.NotNull(kit.State.HeldPlans.Single().UsedBy);
    }

    [Fact]
    public async Task Approve_DataMovedPastTheApprovedCount_HeldAgain()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 1 }", 3);
        kit.Warehouse.Rows[0][1] = kit.Warehouse.Rows[1][1] = "v2";
        await kit.RunAsync();
        await kit.State.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        Change(kit, "v3");

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Held, 0L), (report.Status, report.Counts.Sent));
        Assert.Equal(3L, kit.State.HeldPlans[^1].Plan.Count);
    }

    [Fact]
    public async Task Messages_FirstRunWithInitialSendPastTheDefault_Held()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Rows(101));

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Held, 0L), (report.Status, report.Counts.Sent));
        Assert.Contains("101 messages planned, more than limits.messages (the larger of 100 and 10% of 0 held)", report.Error, StringComparison.Ordinal);
        Assert.Empty(kit.State.Records); // nothing stored: the next run sees them again
    }

    [Fact]
    public async Task Creates_FirstBackfillNotLimitedByDefault_LimitedWhenSet()
    {
        var byDefault = new RunKit("mode: upsert", Rows(1_500));
        var set = new RunKit("mode: upsert, limits: { creates: 1000 }", Rows(1_500));

        Assert.Equal((RunStatus.Succeeded, 1_500L), await Outcome(byDefault));
        Assert.Equal((RunStatus.Held, 0L), await Outcome(set));
    }

    [Fact]
    public async Task EmptyModel_RemovesNothingUntilApproved()
    {
        var kit = await HoldingAsync("mode: upsert", 3);
        var empty = new RunKit("mode: upsert");
        foreach (var (key, state) in kit.State.Records)
        {
            empty.State.Records[key] = state;
        }

        var held = await empty.RunAsync();
        await empty.State.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        var approved = await empty.RunAsync();

        Assert.Equal((RunStatus.Held, 3L), (held.Status, held.Counts.Withheld));
        Assert.Equal("the model returned no rows, so all 3 records the sync holds would be removed; nothing was removed or deleted. If the model is right, `approve --sync s` to remove them on the next run", held.Error);
        Assert.Equal((RunStatus.Succeeded, 0), (approved.Status, empty.State.Records.Count));
    }

    [Fact]
    public async Task EmptyModel_MirrorApproved_RemovesAndDeletesInOneRun()
    {
        var full = await HoldingAsync("mode: mirror", 4);
        var empty = new RunKit("mode: mirror");
        foreach (var (key, state) in full.State.Records)
        {
            (empty.State.Records[key], empty.State.DestinationIds[key]) = (state, $"crm-{key}");
        }

        var held = await empty.RunAsync();
        var sentWhileHeld = empty.Destination.Batches.Count;
        await empty.State.ApproveAsync("s", DateTimeOffset.UnixEpoch, CancellationToken.None);
        var approved = await empty.RunAsync();

        Assert.Equal((RunStatus.Held, 0), (held.Status, sentWhileHeld));
        Assert.Equal((RunStatus.Succeeded, 4L), (approved.Status, approved.Counts.Sent));
        Assert.All(empty.Destination.Batches.SelectMany(b => b), r => Assert.Equal(RecordAction.Delete, r.Action));
        Assert.Empty(empty.State.Records);
    }

    [Fact]
    public async Task Creates_AfterResetNotAFirstRun_Limited()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: none }", 1_200);
        await kit.State.ResetAsync("s", CancellationToken.None);

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Held, 0L), (report.Status, report.Counts.Sent));
        Assert.Contains("1200 creates planned, more than limits.creates (the larger of 1000 and 50% of 0 held)", report.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeldPlan_DataBackWithinTheLimit_ThePlanNoLongerWaits()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 2 }", 4);
        var before = kit.Warehouse.Rows.Select(r => r[1]).ToList();
        Change(kit, "v2");
        await kit.RunAsync();
        var waiting = (await kit.State.LoadHeldAsync("s", CancellationToken.None)).Count;
        for (var i = 0; i < before.Count; i++)
        {
            kit.Warehouse.Rows[i][1] = before[i];
        }

        await kit.RunAsync();

        Assert.Equal(1, waiting);
        Assert.Empty(await kit.State.LoadHeldAsync("s", CancellationToken.None));
    }

    [Fact]
    public async Task Plan_UsesTheSameLimits()
    {
        var kit = await HoldingAsync("mode: upsert, limits: { updates: 1 }", 3);
        Change(kit, "v2");

        var plan = await kit.PlanAsync();

        Assert.Equal(["updates: 3 planned, more than 1 allowed"], plan.Held);
    }

    private static async Task<RunKit> HoldingAsync(string sync, int rows)
    {
        var kit = new RunKit(sync, Rows(rows));
        Assert.Equal(RunStatus.Succeeded, (await kit.RunAsync()).Status);
        kit.Destination.Batches.Clear();
        return kit;
    }

    private static void Change(RunKit kit, string name)
    {
        foreach (var row in kit.Warehouse.Rows)
        {
            row[1] = $"{name} {row[0]}";
        }
    }

    private static async Task<(RunStatus, long)> Outcome(RunKit kit) => await kit.RunAsync() is var r ? (r.Status, r.Counts.Sent) : default;
}
