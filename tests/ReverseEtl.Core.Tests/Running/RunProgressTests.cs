using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>Where a long run is: the progress line it logs on a timer, and what a display reads through a <see cref="RunWatch"/>.</summary>
public sealed class RunProgressTests
{
    [Fact]
    public async Task Run_EveryTenSeconds_LogsRowsReadToSendSentAndRate_AndTheWatchSeesTheSame()
    {
        var kit = new RunKit("mode: upsert", Row("Zoë", "ünïcode ✓"), Row("", "empty key"), Row("b", null), Row("c", new string('x', 5000)), Row("d", "4"), Row("e", "5"));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        kit.Time = clock;
        var (watch, seen) = (new RunWatch(), (RunProgress?)null);
        kit.Destination.BeforeBatch = batch =>
        {
            if (batch == 1)
            {
                Assert.True(SpinWait.SpinUntil(() => watch.Current?.Sent == 2, TimeSpan.FromSeconds(30))); // the first batch is stored meanwhile
                clock.Advance(SyncRunner.ProgressEvery); // ten seconds pass while the second batch is on its way
                seen = watch.Current;
            }
        };

        var report = await new SyncRunner(kit.State, kit.Time, kit.Log.For<SyncRunner>()).RunAsync(kit.Runtime, kit.Sync, CancellationToken.None, watch: watch);

        // The empty key is rejected; batches of 2: the second starts once 4 records were planned and 2 sent (the diff reads a row ahead).
        Assert.Equal(5, report.Counts.Sent);
        Assert.Equal(new RunProgress(6, 4, 2, 0, Reading: true, SyncRunner.ProgressEvery), seen);
        var line = Assert.Single(kit.Log.Entries, e => e.Id == 1005).Message;
        Assert.Equal("Sync s: 6 rows read so far, 4 to send, 2 sent (0.2/s)", line);
        Assert.Equal(new RunProgress(6, 5, 5, 0, Reading: false, SyncRunner.ProgressEvery), watch.Current);
    }

    [Fact]
    public async Task Run_WatchedByADisplayThatShowsResults_LogsNoStartProgressOrResult_ButStillEachFailedRecord()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"), Row("b", null), Row("c", ""));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        kit.Time = clock;
        kit.Destination.Answer = r => r.Key == "b" ? ReverseEtl.Abstractions.RecordOutcome.Permanent("PROPERTY_DOESNT_EXIST: name") : ReverseEtl.Abstractions.RecordOutcome.Sent($"id-{r.Key}");
        kit.Destination.BeforeBatch = _ => clock.Advance(SyncRunner.ProgressEvery);

        var report = await new SyncRunner(kit.State, kit.Time, kit.Log.For<SyncRunner>()).RunAsync(kit.Runtime, kit.Sync, CancellationToken.None, watch: new RunWatch { ShowsResults = true });

        Assert.Equal((2L, 1L), (report.Counts.Sent, report.Counts.Failed));
        Assert.DoesNotContain(kit.Log.Entries, e => e.Id is 1000 or 1001 or 1005);
        Assert.Contains(kit.Log.Entries, e => e.Id == 1004 && e.Message.Contains("PROPERTY_DOESNT_EXIST", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(10_000, 2_000, 500, 0, false, 10, "10,000 rows read, 2,000 to send, 500 sent (50/s), about 30 s left")]
    [InlineData(10_000, 2_000, 500, 0, true, 10, "10,000 rows read so far, 2,000 to send, 500 sent (50/s)")]
    [InlineData(3_000_000, 400_000, 1_000, 200, false, 60, "3,000,000 rows read, 400,000 to send, 1,000 sent, 200 failed (20/s), about 5 h 32 min left")]
    [InlineData(120, 30, 0, 0, false, 2, "120 rows read, 30 to send, 0 sent")]
    [InlineData(120, 30, 20, 10, false, 4, "120 rows read, 30 to send, 20 sent, 10 failed (7.5/s)")]
    public void ToString_SaysWhatARunDidAndWhatIsLeft(long read, long toSend, long sent, long failed, bool reading, int seconds, string expected) =>
        Assert.Equal(expected, new RunProgress(read, toSend, sent, failed, reading, TimeSpan.FromSeconds(seconds)).ToString());

    [Theory]
    [InlineData(0.2, "1 s")]
    [InlineData(59.5, "60 s")]
    [InlineData(200, "3 min 20 s")]
    [InlineData(7_500, "2 h 5 min")]
    public void Duration_ReadsAsPeopleWriteIt(double seconds, string expected) => Assert.Equal(expected, RunProgress.Duration(TimeSpan.FromSeconds(seconds)));
}
