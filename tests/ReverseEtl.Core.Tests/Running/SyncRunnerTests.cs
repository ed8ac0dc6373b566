using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

public class SyncRunnerTests
{
    [Fact]
    public async Task Plan_FirstRun_CountsAndSamplesButStoresNothing()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", "東京"), Row("c", ""), Row(null, "no key"));

        var plan = await kit.PlanAsync();

        Assert.Equal((3L, 3L, 1L, 3L), (plan.Counts.Added, plan.ToSend, plan.Counts.Rejected, plan.Counts.RowsRead - 1));
        Assert.Equal(["""{"key":"a","action":"Enter"}""", """{"key":"b","action":"Enter"}"""], plan.Samples.Select(s => s.ToJsonString()));
        Assert.Equal(["row 4: primary key column 'id' is null or empty"], plan.Rejections);
        Assert.Empty(kit.State.Writes);
        Assert.Empty(kit.Destination.Batches);
    }

    [Fact]
    public async Task Run_FirstRun_SavesColumnsFirstThenSendsInBatchesAndStoresEachAcknowledgedRecord()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", null), Row("c", new string('x', 10_000)));

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Succeeded, 3L, 3L), (report.Status, report.Counts.Added, report.Counts.Sent));
        Assert.Equal([2, 1], kit.Destination.Batches.Select(b => b.Count));
        // Each batch is logged before it goes and stored after its answer; the next one may go before it is stored.
        Assert.Equal(["columns id,name", "pending a", "pending b"], kit.State.Writes.Take(3));
        Assert.Equal(["pending a", "pending b", "pending c", "state a", "state b", "state c"], kit.State.Writes.Skip(1).Order(StringComparer.Ordinal));
        Assert.True(kit.State.Writes.IndexOf("pending c") < kit.State.Writes.IndexOf("state c"));
        Assert.Empty(kit.State.Pending);
        Assert.Equal("id-b", kit.State.DestinationIds["b"]);
        Assert.Equal(report.Counts, kit.State.Finished!.Counts);
    }

    [Fact]
    public async Task Run_Again_NothingChanged_SendsAndStoresNothing()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", "b"));
        await kit.RunAsync();
        kit.State.Writes.Clear();

        var report = await kit.RunAsync();

        Assert.Equal((0L, 0L, 2L), (report.Counts.Added + report.Counts.Changed, report.Counts.Sent, report.Counts.Held));
        Assert.Empty(kit.State.Writes);
        Assert.Single(kit.Destination.Batches);
    }

    [Fact]
    public async Task Run_Trigger_SendsOnlyRowsThatEnterAndStoresTheRestQuietly()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("a", "in", matches: true), Row("b", "out", matches: false));

        var report = await kit.RunAsync();

        Assert.Equal(["a"], kit.Destination.Batches.SelectMany(b => b).Select(r => r.Key));
        Assert.Equal((2L, 1L), (report.Counts.Added, report.Counts.Sent));
        Assert.Equal(new RecordState(kit.State.Records["b"].Hash, false), kit.State.Records["b"]);
    }

    [Fact]
    public async Task Run_RejectedAndDeferredRecords_AreNeitherStoredNorCountedAsSent()
    {
        var kit = new RunKit("mode: upsert", Row("a", "ok"), Row("b", "bad"), Row("c", "later"));
        kit.Destination.Answer = r => r.Key switch
        {
            "b" => RecordOutcome.Permanent("property 'name' does not exist"),
            "c" => new RecordOutcome(OutcomeStatus.Deferred),
            _ => RecordOutcome.Sent(null),
        };

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.PartiallyFailed, 1L, 1L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        Assert.Equal(["a"], kit.State.Records.Keys);
        var failure = Assert.Single(kit.State.Failures);
        Assert.Equal(("b", false, "property 'name' does not exist"), (failure.Key, failure.Retryable, failure.Message));
        Assert.Equal(kit.Sync.Name, kit.Destination.Batches[0][1].Delivery!.Sync);
        Assert.NotNull(failure.Attempted);
        Assert.Empty(kit.State.Pending); // a refusal and a deferral are known outcomes
        Assert.Contains(kit.Log.Entries, e => e.Message == "Sync s: record b failed (PermanentFailure): property 'name' does not exist");
    }

    [Fact]
    public async Task Run_MirrorWouldDeleteTooMuch_HoldsTheDeletesBeforeAnyIsSent()
    {
        var kit = new RunKit("mode: mirror", Row("a", "kept"));
        foreach (var gone in new[] { "b", "c", "d" })
        {
            kit.State.Records[gone] = new RecordState(1, true);
        }

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Held, report.Status);
        Assert.Equal("the mirror would delete 3 of the 3 records it holds, more than limits.deletes (20% of 3 held); nothing was deleted. If the model is right, `approve --sync s` to delete them on the next run", report.Error);
        Assert.DoesNotContain(kit.Destination.Batches.SelectMany(b => b), r => r.Action == RecordAction.Delete);
        Assert.Equal(["b", "c", "d"], kit.State.Records.Keys.Where(k => k != "a").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_MirrorWithinItsLimit_DeletesWithTheRecordedIds()
    {
        var kit = new RunKit("mode: mirror, delete_limit_percent: 50", Row("a", "kept"), Row("b", "kept"));
        kit.State.Records["a"] = kit.State.Records["b"] = kit.State.Records["gone"] = new RecordState(1, true);
        kit.State.DestinationIds["gone"] = "crm-42";

        var report = await kit.RunAsync();

        var delete = Assert.Single(kit.Destination.Batches.SelectMany(b => b), r => r.Action == RecordAction.Delete);
        Assert.Equal(("gone", "crm-42"), (delete.Key, delete.DestinationId));
        Assert.Equal((1L, RunStatus.Succeeded), (report.Counts.Removed, report.Status));
        Assert.DoesNotContain("gone", kit.State.Records.Keys);
    }

    [Fact]
    public async Task Run_DuplicateKeys_RejectsEveryRowOfTheKeyAndLeavesItsStateAlone()
    {
        var kit = new RunKit("mode: upsert", Row("dup", "one"), Row("dup", "two"), Row("z", "ok"));

        var report = await kit.RunAsync();

        Assert.Equal((2L, 1L), (report.Counts.Rejected, report.Counts.Sent));
        Assert.Equal(["z"], kit.State.Records.Keys);
        Assert.Equal(2, kit.Log.Entries.Count(e => e.Id == 1003));
    }
}
