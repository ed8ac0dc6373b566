using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>A trigger sync's first run: <c>initial: skip</c> (the default) records what matches today; <c>send</c> sends it.</summary>
public sealed class InitialRunTests
{
    // Fresh rows for each test: a test changes cells between runs.
    private static object?[][] Today =>
    [
        Row("a", "Zoë", matches: true), Row("b", null, matches: true), Row("c", "", matches: false), Row("d", new string('ü', 3_000), matches: true),
    ];

    [Fact]
    public async Task FirstRun_DefaultSkip_RecordsWhatMatchesAndSendsNothing()
    {
        var kit = new RunKit("mode: trigger", Today);

        var report = await kit.RunAsync();

        Assert.Empty(kit.Destination.Batches);
        Assert.Equal((RunStatus.Succeeded, 0L, 3L, 4L), (report.Status, report.Counts.Sent, report.Counts.Baselined, report.Counts.Added));
        Assert.Equal(["a", "b", "d"], kit.State.Records.Where(r => r.Value.Matched).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.False(kit.State.Records["c"].Matched);
        Assert.EndsWith("; 3 matching recorded without sending (initial: skip)", report.Counts.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondRun_AfterSkip_SendsOnlyWhatEntersSince()
    {
        var kit = new RunKit("mode: trigger", Today);
        await kit.RunAsync();
        kit.Warehouse.Rows[2][2] = true; // c starts matching

        var report = await kit.RunAsync();

        Assert.Equal(["c"], kit.Destination.Batches.SelectMany(b => b).Select(r => r.Key));
        Assert.Equal((1L, 0L), (report.Counts.Sent, report.Counts.Baselined));
    }

    [Fact]
    public async Task FirstRun_Send_SendsEveryMatchingRow()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Today);

        var report = await kit.RunAsync();

        Assert.Equal(["a", "b", "d"], kit.Destination.Batches.SelectMany(b => b).Select(r => r.Key));
        Assert.Equal((3L, 0L), (report.Counts.Sent, report.Counts.Baselined));
    }

    [Fact]
    public async Task FirstRunThatFailed_LeavesTheNextRunAFirstRun()
    {
        var kit = new RunKit("mode: trigger", Today);
        kit.Destination.WriterFails = new DestinationException("slack: invalid_auth");
        var failed = await kit.RunAsync();
        kit.Destination.WriterFails = null;

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Empty(kit.Destination.Batches);
        Assert.Equal(3L, report.Counts.Baselined);
    }

    [Fact]
    public async Task Plan_FirstRunWithSkip_WouldSendNothingAndSaysHowManyItWouldRecord()
    {
        var kit = new RunKit("mode: trigger", Today);

        var plan = await kit.PlanAsync();

        Assert.Equal((0L, 3L), (plan.ToSend, plan.Counts.Baselined));
        Assert.Empty(plan.Samples);
        Assert.Empty(kit.State.Writes);
    }

    [Fact]
    public async Task FirstRun_UpsertSync_SendsEverything()
    {
        var kit = new RunKit("mode: upsert", Today);

        var report = await kit.RunAsync();

        Assert.Equal((4L, 0L), (report.Counts.Sent, report.Counts.Baselined));
    }
}
