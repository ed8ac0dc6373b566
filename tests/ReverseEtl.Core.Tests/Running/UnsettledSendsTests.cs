using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>
/// A send whose outcome is unknown (no answer, or the process killed with it in flight) may have changed the vendor's
/// record while the state still holds what was there before: the next run must not take the state's word for the key.
/// </summary>
public sealed class UnsettledSendsTests
{
    private static readonly DateTimeOffset FirstAttempt = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private static readonly string Long = "Zoë ✓ " + new string('ж', 3_000);

    [Fact]
    public async Task Run_RowBackToItsStoredValueAfterAnUnknownChange_SendsTheStoredValueAgain()
    {
        var kit = new RunKit("mode: upsert", Row("Zoë-1", "before"), Row("b", ""), Row("c", null));
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = Long;
        kit.Warehouse.Rows[1][1] = "ünïcode";
        kit.Destination.Answer = r => RecordOutcome.Unknown("no answer within 30 s");
        await kit.RunAsync();
        (kit.Warehouse.Rows[0][1], kit.Warehouse.Rows[1][1]) = ("before", "");
        kit.Destination.Answer = r => RecordOutcome.Sent($"id-{r.Key}");

        var report = await kit.RunAsync();
        var again = await kit.RunAsync();

        var resent = kit.Destination.Batches[^1].OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([("Zoë-1", "before"), ("b", "")], resent.Select(r => (r.Key, (string?)r.Payload["name"])).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(resent, r => Assert.Null(r.UnsureSince)); // not the payload that went out unanswered
        Assert.Equal((2L, 2L), (report.Counts.Changed, report.Counts.Sent));
        Assert.Contains(kit.Log.Entries, e => e.Id == 1011 && e.Message.Contains("2 keys whose send differs", StringComparison.Ordinal));
        Assert.Empty(kit.State.Pending);
        Assert.Equal(0, again.Counts.Sent);
    }

    [Fact]
    public async Task Run_RowUnchangedAfterAnUnknownChange_SendsItAgainMarkedUnsure()
    {
        var kit = new RunKit("mode: upsert", Row("a", "before"));
        kit.Time = new FakeTimeProvider(FirstAttempt);
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = Long;
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        kit.Destination.Answer = r => RecordOutcome.Sent($"id-{r.Key}");

        await kit.RunAsync();

        var resent = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Equal((Long, FirstAttempt), ((string?)resent.Payload["name"], resent.UnsureSince));
        Assert.Equal(kit.Destination.Batches[1][0].Delivery, resent.Delivery);
        Assert.Empty(kit.State.Pending);
    }

    [Fact]
    public async Task Run_TriggerRowStopsMatchingAfterAnUnknownEnter_SendsNothingAndClearsTheLog()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("a", "x", matches: false), Row("b", "", matches: false));
        await kit.RunAsync();
        kit.Warehouse.Rows[0][2] = true;
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        kit.Warehouse.Rows[0][2] = false;

        var report = await kit.RunAsync();

        Assert.Single(kit.Destination.Batches); // only the enter of the second run
        Assert.Equal((1L, 0L), (report.Counts.Changed, report.Counts.Sent));
        Assert.Empty(kit.State.Pending);
        Assert.False(kit.State.Records["a"].Matched);
        Assert.NotEqual(0UL, kit.State.Records["a"].Hash);
    }

    [Fact]
    public async Task Run_MirrorKeyAddedUnansweredThenGone_IsDeleted()
    {
        var rows = new List<object?[]> { Row("a", "x"), Row("b", "y") };
        var kit = new RunKit("mode: mirror, delete_limit_percent: 100", new MemoryWarehouse(Columns, rows));
        await kit.RunAsync();
        rows.Add(Row("Zoë-new", Long));
        kit.Destination.Answer = r => r.Key == "Zoë-new" ? RecordOutcome.Unknown("no answer") : RecordOutcome.Sent($"id-{r.Key}");
        await kit.RunAsync();
        rows.RemoveAt(2);
        kit.Destination.Answer = r => RecordOutcome.Sent(null);

        var report = await kit.RunAsync();

        var delete = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Equal(("Zoë-new", RecordAction.Delete, (string?)null), (delete.Key, delete.Action, delete.DestinationId));
        Assert.Equal((1L, 1L), (report.Counts.Removed, report.Counts.Sent));
        Assert.Contains(kit.Log.Entries, e => e.Id == 1011 && e.Message.Contains("1 keys never stored", StringComparison.Ordinal));
        Assert.Equal(["a", "b"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(kit.State.Pending);
    }

    [Fact]
    public async Task Run_MirrorKeyAddedUnansweredAndStillThere_IsSentAgainMarkedUnsure()
    {
        var rows = new List<object?[]> { Row("a", "x") };
        var kit = new RunKit("mode: mirror, delete_limit_percent: 100", new MemoryWarehouse(Columns, rows)) { Time = new FakeTimeProvider(FirstAttempt) };
        await kit.RunAsync();
        rows.Add(Row("n", null));
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        kit.Destination.Answer = r => RecordOutcome.Sent($"id-{r.Key}");

        var report = await kit.RunAsync();

        var resent = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Equal(("n", RecordAction.Change, FirstAttempt), (resent.Key, resent.Action, resent.UnsureSince));
        Assert.Equal((0L, 1L, 1L), (report.Counts.Added, report.Counts.Changed, report.Counts.Sent));
        Assert.Equal("id-n", kit.State.DestinationIds["n"]);
    }

    [Fact]
    public async Task Run_MirrorRowBackAfterAnUnknownDelete_IsWrittenAgain()
    {
        var rows = new List<object?[]> { Row("a", "x"), Row("b", "ünïcode") };
        var kit = new RunKit("mode: mirror, delete_limit_percent: 100", new MemoryWarehouse(Columns, rows));
        await kit.RunAsync();
        var gone = rows[1];
        rows.RemoveAt(1);
        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        rows.Add(gone);
        kit.Destination.Answer = r => RecordOutcome.Sent($"id2-{r.Key}");

        var report = await kit.RunAsync();

        var rewritten = Assert.Single(kit.Destination.Batches[^1]);
        Assert.Equal(("b", RecordAction.Change, "ünïcode"), (rewritten.Key, rewritten.Action, (string?)rewritten.Payload["name"]));
        Assert.Equal((1L, 1L), (report.Counts.Changed, report.Counts.Sent));
        Assert.Empty(kit.State.Pending);
    }

    [Fact]
    public async Task Plan_SendsOfNoKnownOutcome_ListsTheFirstTenOldestFirstThenByKey()
    {
        var cut = new string('ж', 99) + "🚀 tail"; // 105 characters, 106 UTF-16 units; its 100th unit is the rocket's first half
        string[] keys = ["Zoë-1", "o\"neil\n", cut, .. Enumerable.Range(0, 8).Select(i => $"п{i:00}")];
        var kit = new RunKit("mode: upsert", [.. keys.Select(k => Row(k, "before"))]);
        kit.Time = new FakeTimeProvider(FirstAttempt);
        await kit.RunAsync();
        foreach (var row in kit.Warehouse.Rows)
        {
            row[1] = Long;
        }

        kit.Destination.Answer = _ => RecordOutcome.Unknown("no answer");
        await kit.RunAsync();
        var earlier = kit.State.Pending["п07"] with { AttemptedAt = FirstAttempt.AddHours(-1) }; // the last by key, the oldest
        await kit.State.RecordPendingAsync("s", 1, [earlier], CancellationToken.None);

        var plan = await kit.PlanAsync();

        const string Sent = ": update, sent 2026-11-30T08:00:00Z";
        string[] expected =
        [
            "\"п07\": update, sent 2026-11-30T07:00:00Z", "\"Zoë-1\"" + Sent, "\"o\\\"neil\\u000A\"" + Sent,
            $"\"{new string('ж', 99)}\"… (105 characters){Sent}", .. Enumerable.Range(0, 6).Select(i => $"\"п{i:00}\"{Sent}"),
        ];
        Assert.Equal(11, plan.Unsettled);
        Assert.Equal(expected, plan.UnsettledKeys);
    }
}
