using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>The write-ahead log of sends: what an attempt of unknown outcome leaves behind, and what the next run makes of it.</summary>
public sealed class WriteAheadTests
{
    private static readonly DateTimeOffset FirstAttempt = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Run_EveryRecordCarriesItsDeliveryKey_NotUnsureTheFirstTime()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("Zoë-1", "ünïcode ✓", matches: true), Row("", "empty key"), Row("b", null, matches: true));

        await kit.RunAsync();

        var sent = kit.Destination.Batches.SelectMany(b => b).ToList();
        Assert.Equal(["Zoë-1", "b"], sent.Select(r => r.Key));
        Assert.All(sent, r => Assert.Null(r.UnsureSince));
        var delivery = sent[0].Delivery!;
        Assert.Equal(("s", "Zoë-1", RecordAction.Enter, "enter"), (delivery.Sync, delivery.Key, delivery.Action, delivery.ActionName));
        Assert.Equal(kit.State.Records["Zoë-1"].Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), delivery.PayloadHash);
        Assert.NotEqual(delivery.PayloadHash, sent[1].Delivery!.PayloadHash);
    }

    [Fact]
    public async Task Run_DryRun_LogsNoSendAheadButStoresWhatWasAcknowledged()
    {
        var kit = new RunKit("mode: upsert", Row("Zoë-1", "ünïcode ✓"), Row("b", ""), Row("c", new string('x', 10_000)));
        kit.Destination.DryRunOutboxPath = "/nowhere/outbox/hubspot.jsonl";
        kit.Destination.Answer = r => r.Key == "b" ? RecordOutcome.Unknown("cannot happen in a dry run, but may") : RecordOutcome.Sent($"dry-{r.Key}");

        var report = await kit.RunAsync();

        Assert.Equal((2L, 1L), (report.Counts.Sent, report.Counts.Failed));
        Assert.DoesNotContain(kit.State.Writes, w => w.StartsWith("pending ", StringComparison.Ordinal));
        Assert.Empty(kit.State.Pending);
        Assert.Equal(["Zoë-1", "c"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_RealDestination_LogsEachBatchAheadOfSending()
    {
        var kit = new RunKit("mode: upsert", Row("Zoë-1", "ünïcode ✓"), Row("b", ""));
        kit.Destination.Answer = r => r.Key == "b" ? RecordOutcome.Unknown("no answer") : RecordOutcome.Sent($"id-{r.Key}");

        await kit.RunAsync();

        Assert.Contains("pending Zoë-1", kit.State.Writes);
        Assert.Equal("b", Assert.Single(kit.State.Pending).Key);
    }

    [Fact]
    public async Task Run_AfterAnUnknownOutcome_SendsTheSameChangeAgainMarkedUnsureSinceTheFirstAttempt()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("a", "in", matches: true), Row("b", "in", matches: true));
        kit.Time = new FakeTimeProvider(FirstAttempt);
        kit.Destination.Answer = r => r.Key == "a" ? RecordOutcome.Unknown("no answer within 30 s") : RecordOutcome.Sent("ts-b");

        var first = await kit.RunAsync();
        kit.Destination.Answer = r => RecordOutcome.Sent($"ts-{r.Key}");
        ((FakeTimeProvider)kit.Time).Advance(TimeSpan.FromHours(1));
        var second = await kit.RunAsync();

        Assert.Equal((1L, 1L), (first.Counts.Sent, first.Counts.Failed));
        Assert.True(kit.State.Failures.Single().Retryable);
        var again = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Equal(("a", FirstAttempt), (again.Key, again.UnsureSince));
        Assert.Equal((1L, 0L), (second.Counts.Sent, second.Counts.Failed));
        Assert.Empty(kit.State.Pending);
    }

    [Fact]
    public async Task Run_RowChangedSinceTheUnknownAttempt_SendsTheNewPayloadAsANewDelivery()
    {
        var kit = new RunKit("mode: upsert", Row("a", "before"));
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = new string('é', 5_000);
        kit.Destination.Answer = _ => RecordOutcome.Sent("id-a");

        await kit.RunAsync();

        var resent = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Null(resent.UnsureSince);
        Assert.NotEqual(kit.Destination.Batches[0][0].Delivery!.PayloadHash, resent.Delivery!.PayloadHash);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Run_WholeBatchFails_KeepsItsLogOnlyWhenItMayHaveArrived(bool mayHaveArrived, int pending)
    {
        var kit = new RunKit("mode: upsert", Row("a", "x"));
        kit.Destination.Answer = _ => throw new DestinationException("slack at 127.0.0.1: no answer") { MayHaveBeenDelivered = mayHaveArrived };

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal(pending, kit.State.Pending.Count);
        Assert.Empty(kit.State.Records);
    }

    [Fact]
    public async Task Run_UnsureRecordRefused_StaysUnsureUntilDelivered()
    {
        var kit = new RunKit("mode: upsert", Row("a", "x"));
        kit.Time = new FakeTimeProvider(FirstAttempt);
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        kit.Destination.Answer = _ => RecordOutcome.Retryable("missing_scope: add channels:history to check before posting again");
        await kit.RunAsync();
        kit.Destination.Answer = _ => RecordOutcome.Sent("id-a");

        await kit.RunAsync();

        Assert.Equal([null, FirstAttempt, FirstAttempt], kit.Destination.Batches.Select(b => b[0].UnsureSince));
        Assert.Empty(kit.State.Pending);
    }

    [Fact]
    public async Task Run_LogsTheBatchBeforeItGoesOut()
    {
        var kit = new RunKit("mode: upsert", Row("a", "x"), Row("b", "y"), Row("c", "z"));
        var seen = new List<string>();
        kit.Destination.BeforeBatch = _ =>
        {
            lock (kit.State.Gate) // the batch before may be stored meanwhile, its log cleared with its state
            {
                seen.Add(string.Join(",", kit.State.Pending.Keys.Order(StringComparer.Ordinal)));
            }
        };

        await kit.RunAsync();

        Assert.Equal(["a,b", "c"], seen.Select((keys, i) => i == 0 ? keys : keys.Replace("a,b,", "", StringComparison.Ordinal)));
        Assert.Equal([2, 1], kit.Destination.Batches.Select(b => b.Count));
    }
}
