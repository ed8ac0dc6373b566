using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>However a run ends once it is open, it is closed in the journal with what it did, and the error says why.</summary>
public class SyncRunnerFailureTests
{
    [Fact]
    public async Task Run_DestinationCannotBeUsed_ClosedAsFailedNamingIt()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"));
        kit.Destination.WriterFails = new DestinationException("hubspot connection 'd': the token is not set");

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Failed, "hubspot connection 'd': the token is not set"), (report.Status, report.Error));
        Assert.Equal((RunStatus.Failed, report.Error), (kit.State.Finished!.Status, kit.State.Finished.Error));
        Assert.Contains(kit.Log.Entries, e => e.Id == 1002);
        Assert.Empty(kit.State.Records);
    }

    [Fact]
    public async Task Run_DefectInTheSecondBatch_ClosedAsFailedKeepingTheFirstBatch()
    {
        var kit = new RunKit("mode: upsert", Row("a", "1"), Row("b", "2"), Row("c", "3"));
        kit.Destination.BeforeBatch = i => _ = i == 1 ? throw new InvalidOperationException("bug: index out of range") : 0;

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Failed, "internal error (InvalidOperationException: bug: index out of range); please report it"), (report.Status, report.Error));
        Assert.Equal((2L, 3L), (kit.State.Finished!.Counts.Sent, kit.State.Finished.Counts.Added));
        Assert.Equal(["a", "b"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(kit.Log.Entries, e => e.Id == 1007);
    }

    [Fact]
    public async Task Run_StoppedAfterTheFirstBatch_ClosedAsCancelledKeepingWhatWasAcknowledged()
    {
        var kit = new RunKit("mode: upsert", Row("a", "1"), Row("b", "2"), Row("c", "3"));
        using var stop = new CancellationTokenSource();
        kit.Destination.BeforeBatch = i => _ = i == 0 ? stop.CancelAsync() : Task.CompletedTask;

        var report = await new SyncRunner(kit.State, TimeProvider.System, kit.Log.For<SyncRunner>()).RunAsync(kit.Runtime, kit.Sync, stop.Token);

        Assert.Equal((RunStatus.Cancelled, "stopped before the end; acknowledged records were kept"), (report.Status, report.Error));
        Assert.Equal(2L, kit.State.Finished!.Counts.Sent);
        Assert.Equal(["a", "b"], kit.State.Records.Keys.Order(StringComparer.Ordinal));
        Assert.Single(kit.Destination.Batches);
    }

    [Fact]
    public async Task Run_CancelledByOtherThanTheStop_ClosedAsFailedAndTheCancellationGoesOn()
    {
        var kit = new RunKit("mode: upsert", Row("a", "1"));
        kit.Destination.BeforeBatch = _ => throw new OperationCanceledException("a timeout that is not the run's stop");

        await Assert.ThrowsAsync<OperationCanceledException>(kit.RunAsync);

        Assert.Equal((RunStatus.Failed, "stopped before the end by an unexpected cancellation"), (kit.State.Finished!.Status, kit.State.Finished.Error));
    }
}
