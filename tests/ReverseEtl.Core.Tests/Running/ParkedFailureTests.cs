using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>A record the destination rejected for good is parked: not sent again until its row changes or <c>retry</c>.</summary>
public sealed class ParkedFailureTests
{
    [Fact]
    public async Task Rejected_NotSentAgainWhileTheRowIsTheSame()
    {
        var kit = Rejecting("mode: upsert", Row("a", "ok"), Row("bad", "Zoë — no such property"), Row("c", null));
        await kit.RunAsync();

        var second = await kit.RunAsync();

        Assert.Equal((0L, 1L, RunStatus.Succeeded), (second.Counts.Sent, second.Counts.Parked, second.Status));
        Assert.Single(kit.Destination.Batches.SelectMany(b => b), r => r.Key == "bad");
        Assert.Contains("1 parked after a rejection", second.Counts.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("bad", kit.State.Records.Keys);
    }

    [Fact]
    public async Task Rejected_SentAgainOnceItsRowChanges()
    {
        var kit = Rejecting("mode: upsert", Row("bad", "v1"));
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = "v2 " + new string('字', 500);
        kit.Destination.Answer = r => RecordOutcome.Sent("id");

        var report = await kit.RunAsync();

        Assert.Equal((1L, 0L), (report.Counts.Sent, report.Counts.Parked));
        Assert.Contains("bad", kit.State.Records.Keys);
    }

    [Fact]
    public async Task Retry_SendsItAgainOnTheNextRun()
    {
        var kit = Rejecting("mode: trigger, trigger: { initial: send }", Row("bad", "x", matches: true));
        await kit.RunAsync();
        await kit.State.RetryAsync("s", "bad", CancellationToken.None);
        kit.Destination.Answer = r => RecordOutcome.Sent("ts");

        var report = await kit.RunAsync();

        Assert.Equal((1L, 0L), (report.Counts.Sent, report.Counts.Parked));
    }

    [Fact]
    public async Task MirrorDeleteRejected_ParkedNotSentAgain()
    {
        var kit = new RunKit("mode: mirror, limits: { deletes: none }", Row("a", "x"));
        kit.State.Records["gone"] = new RecordState(1, true);
        kit.State.DestinationIds["gone"] = "crm-gone";
        kit.Destination.Answer = r => r.Action == RecordAction.Delete ? RecordOutcome.Permanent("OBJECT_LOCKED") : RecordOutcome.Sent($"id-{r.Key}");
        await kit.RunAsync();

        var second = await kit.RunAsync();

        Assert.Equal((0L, 1L, 0L), (second.Counts.Sent, second.Counts.Parked, second.Counts.Failed));
        Assert.Single(kit.Destination.Batches.SelectMany(b => b), r => r.Action == RecordAction.Delete);
        Assert.Contains("gone", kit.State.Records.Keys);
    }

    [Fact]
    public async Task RetryableFailure_IsNotParked()
    {
        var kit = new RunKit("mode: upsert", Row("a", "x"));
        kit.Destination.Answer = _ => RecordOutcome.Retryable("rate limited");
        await kit.RunAsync();

        var second = await kit.RunAsync();

        Assert.Equal((0L, 1L), (second.Counts.Parked, second.Counts.Failed));
    }

    [Fact]
    public async Task Plan_DoesNotCountAParkedRecordAsToSend()
    {
        var kit = Rejecting("mode: upsert", Row("bad", "x"), Row("b", "y"));
        await kit.RunAsync();
        kit.Warehouse.Rows[1][1] = "y2";

        var plan = await kit.PlanAsync();

        Assert.Equal((1L, 1L), (plan.ToSend, plan.Counts.Parked));
    }

    private static RunKit Rejecting(string sync, params object?[][] rows)
    {
        var kit = new RunKit(sync, rows);
        kit.Destination.Answer = r => r.Key == "bad" ? RecordOutcome.Permanent("PROPERTY_DOESNT_EXIST: 'zoë'") : RecordOutcome.Sent($"id-{r.Key}");
        return kit;
    }
}
