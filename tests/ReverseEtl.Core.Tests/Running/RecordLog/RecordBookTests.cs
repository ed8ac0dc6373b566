using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Running.RecordLog;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running.RecordLog;

/// <summary>What a run writes to the per-record log: one entry per decided record, with its decision and outcome.</summary>
public sealed class RecordBookTests
{
    [Fact]
    public async Task Run_EnteredThenChangedRejectedAndParked_OneEntryPerDecidedRecord()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", null), Row("c", new string('x', 10_000)), Row(null, "no key"));
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = "Zoë 東京";
        kit.Warehouse.Rows[1][1] = "";
        kit.Destination.Answer = r => r.Key == "b" ? RecordOutcome.Permanent("PROPERTY_DOESNT_EXIST: name") : RecordOutcome.Sent($"id-{r.Key}");
        await kit.RunAsync();
        var afterSecond = kit.State.Logged.Count;
        await kit.RunAsync();

        Assert.Equal(
            [
                ("a", "create", "entered", "sent", "id-a"), ("b", "create", "entered", "sent", "id-b"), ("c", "create", "entered", "sent", "id-c"),
                ("a", "update", "changed", "sent", "id-a"), ("b", "update", "changed", "failed", null),
                ("b", "update", "parked", "parked", null),
            ],
            kit.State.Logged.Select(e => (e.Key, e.Action, e.Decision, e.Outcome, e.VendorId)));
        Assert.Equal(5, afterSecond);
        Assert.Equal("PROPERTY_DOESNT_EXIST: name", kit.State.Logged[4].Message);
        Assert.Equal(["name"], RecordSummary.ChangedFields(kit.State.Logged[3].FieldHashes, kit.State.Logged[0].FieldHashes));
        Assert.Equal("""{"id":"a","name":"Zoë 東京"}""", kit.State.Logged[3].Request);
        Assert.Equal("""{"id":"b","name":null}""", kit.State.Logged[1].Request);
        Assert.Equal($$"""{"id":"c","name":"{{new string('x', 200)}}… (10000 characters)"}""", kit.State.Logged[2].Request);
    }

    [Fact]
    public async Task Run_RedactedField_OnlyItsPlaceholderIsLogged_NoHashAndNotInTheVendorsMessage()
    {
        var secret = "zoë.o'brien+ünï@example.com";
        var kit = new RunKit("mode: upsert, log: { redact: [NAME] }", Row("a", secret), Row("b", null));
        kit.Destination.Answer = r => r.Key == "a" ? RecordOutcome.Permanent($"INVALID_EMAIL_ADDRESS: invalid email address: {secret}") : RecordOutcome.Sent("id-b");

        await kit.RunAsync();

        var entry = kit.State.Logged[0];
        Assert.Equal("""{"id":"a","name":"[redacted]"}""", entry.Request);
        Assert.Matches("""^\{"id":"[0-9a-f]{8}"\}$""", entry.FieldHashes); // a short hash with its salt beside it could be checked against guesses
        Assert.Equal("INVALID_EMAIL_ADDRESS: invalid email address: [redacted]", entry.Message);
        Assert.DoesNotContain(kit.State.Logged, e => $"{e.Request}{e.Message}{e.FieldHashes}".Contains("example.com", StringComparison.Ordinal));
        Assert.Equal("""{"id":"b","name":"[redacted]"}""", kit.State.Logged[1].Request);
    }

    [Fact]
    public async Task Run_UpdatesPastTheirLimit_EachHeldRecordLoggedAsHeld()
    {
        var kit = new RunKit("mode: upsert, limits: { updates: 1 }", Row("a", "1"), Row("b", "1"), Row("c", "1"));
        await kit.RunAsync();
        kit.Warehouse.Rows.ToList().ForEach(r => r[1] = "2");

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Held, report.Status);
        Assert.Equal([("a", "held"), ("b", "held"), ("c", "held")], kit.State.Logged.Skip(3).Select(e => (e.Key, e.Outcome)));
        Assert.All(kit.State.Logged.Skip(3), e => Assert.Equal(("update", "held"), (e.Action, e.Decision)));
        Assert.StartsWith("more updates than limits.updates allow", kit.State.Logged[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TriggerFirstRunWithInitialSkip_LogsBaselinedNotRowsThatDoNotMatch()
    {
        var kit = new RunKit("mode: trigger", Row("in", "x", matches: true), Row("out", "y", matches: false));

        await kit.RunAsync();

        Assert.Equal([("in", "none", "baselined", "skipped")],
            kit.State.Logged.Select(e => (e.Key, e.Action, e.Decision, e.Outcome)));
        Assert.Empty(kit.Destination.Batches);
    }

    [Fact]
    public async Task Run_BatchThrows_ItsRecordsLoggedAsFailedWithTheMessage()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("a", "x"), Row("b", "y"));
        kit.Destination.BeforeBatch = _ => throw new DestinationException("slack at 127.0.0.1: invalid_auth");

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal([("a", "message", "failed", "slack at 127.0.0.1: invalid_auth"), ("b", "message", "failed", "slack at 127.0.0.1: invalid_auth")],
            kit.State.Logged.Select(e => (e.Key, e.Action, e.Outcome, e.Message)));
    }

    [Fact]
    public async Task Run_LogTurnedOff_WritesNothingAndDropsTheSyncsEntries()
    {
        var kit = new RunKit("mode: upsert", Row("a", "x"));
        await kit.RunAsync();
        kit.Warehouse.Rows[0][1] = "y";

        var report = await new SyncRunner(kit.State, TimeProvider.System, kit.Log.For<SyncRunner>(), new RecordLogSettings(Days: 0)).RunAsync(kit.Runtime, kit.Sync, CancellationToken.None);

        Assert.Equal((RunStatus.Succeeded, 1L), (report.Status, report.Counts.Sent));
        Assert.Empty(kit.State.Logged);
    }

    [Fact]
    public async Task Run_TheLogCannotBeWritten_TheRunEndsAsItWouldWithItsCounts_AndSaysSo()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", ""), Row("c", null));
        kit.State.AppendFails = new InvalidOperationException("database is locked");

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Succeeded, 3L), (report.Status, report.Counts.Sent));
        Assert.Equal(3, kit.State.Records.Count);
        Assert.Contains(kit.Log.Entries, e => e.Id == 1100 && e.Message.Contains("database is locked", StringComparison.Ordinal));
        Assert.Empty(kit.State.Logged);
    }

    [Fact]
    public async Task Run_HeldAgainAndAgain_AtMostAThousandHeldRecordsPerRun_WrittenAThousandAtATime()
    {
        var rows = Enumerable.Range(0, 2_500).Select(i => Row($"k{i:D5}", "1")).ToArray();
        var kit = new RunKit("mode: upsert, limits: { updates: 1 }", rows);
        await kit.RunAsync();
        kit.Warehouse.Rows.ToList().ForEach(r => r[1] = "2");
        var (before, appends) = (kit.State.Logged.Count, kit.State.Appends.Count);

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Held, report.Status);
        Assert.Equal(RecordBook.MaxHeld, kit.State.Logged.Skip(before).Count(e => e.Outcome == "held"));
        Assert.All(kit.State.Appends.Skip(appends), size => Assert.InRange(size, 1, 1_000));
    }

    [Fact]
    public async Task Run_FirstOfTheProcess_AlsoDropsOldEntriesOfASyncThatNoLongerRuns()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"));
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await kit.State.AppendRecordLogAsync("renamed-sync", 1, [new RecordLogEntry("x", "update", "changed", "sent", old)], CancellationToken.None);

        await kit.RunAsync();

        Assert.DoesNotContain(kit.State.Logged, e => e.Key == "x");
        Assert.Contains(kit.State.Logged, e => e.Key == "a");
    }

    [Fact]
    public async Task Run_MoreRecordsThanTheLogKeeps_WritesNoMoreThanItsBound()
    {
        var kit = new RunKit("mode: upsert", Row("a", "1"), Row("b", "ü"), Row("c", null), Row("d", ""), Row("e", "5"));

        var report = await new SyncRunner(kit.State, kit.Time, kit.Log.For<SyncRunner>(), new RecordLogSettings(Days: 14, MaxRows: 2)).RunAsync(kit.Runtime, kit.Sync, CancellationToken.None);

        Assert.Equal(5L, report.Counts.Sent);
        Assert.Equal(2, kit.State.Logged.Count);
    }

    [Fact]
    public async Task Run_SeveralBatchesOfEntries_WrittenBehindTheRunInTheOrderNoted()
    {
        var keys = Enumerable.Range(0, 2_345).Select(i => i % 7 == 0 ? $"k-{i:D5}-Zoë-東京" : $"k-{i:D5}").ToList();
        var kit = new RunKit("mode: upsert", [.. keys.Select((k, i) => Row(k, i % 5 == 0 ? null : i % 3 == 0 ? "" : $"name {i}"))]);

        var report = await kit.RunAsync();

        Assert.Equal(2_345L, report.Counts.Sent);
        Assert.Equal([1_000, 1_000, 345], kit.State.Appends);
        Assert.Equal(keys, kit.State.Logged.Select(e => e.Key));
        Assert.All(kit.State.Logged, e => Assert.Equal("sent", e.Outcome));
    }
}
