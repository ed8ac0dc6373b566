namespace ReverseEtl.IntegrationTests.State;

public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task Status_ARunLeftOpenThatNoProcessHoldsTheLockOf_IsShownAbandonedUntilTheNextRun()
    {
        var store = await CreateAsync();
        var worker = OpenAgain("worker-1");
        var held = await worker.TryLockAsync("s", CancellationToken.None);
        Assert.NotNull(held);
        var running = await worker.StartRunAsync("s", At, CancellationToken.None);
        var killed = await OpenAgain("worker-killed").StartRunAsync("t", At, CancellationToken.None); // its process died: no lock

        var statuses = (await store.GetStatusAsync(CancellationToken.None)).ToDictionary(s => s.Sync);

        Assert.Equal((running, "Running", (string?)null), (statuses["s"].RunId, statuses["s"].Status, statuses["s"].Error));
        Assert.Equal((killed, "Abandoned", (DateTimeOffset?)null), (statuses["t"].RunId, statuses["t"].Status, statuses["t"].FinishedAt));
        Assert.Equal(
            "the process running it (worker-killed) is gone (killed, crashed or its node lost): no process holds the sync's lock. Acknowledged records were kept; the next run closes this one and sends again what was in flight",
            statuses["t"].Error);
        Assert.Equal("Abandoned", Assert.Single(await store.GetHistoryAsync("t", 10, CancellationToken.None)).Status);

        // Asking did not take the lock: a run can still take it; and once the holder is gone its run is shown abandoned.
        await using (var taken = await OpenAgain().TryLockAsync("t", CancellationToken.None))
        {
            Assert.NotNull(taken);
            Assert.Equal("Running", (await store.GetHistoryAsync("t", 10, CancellationToken.None))[0].Status);
        }

        await held.DisposeAsync();
        var gone = (await store.GetStatusAsync(CancellationToken.None)).Single(s => s.Sync == "s");
        Assert.Equal(("Abandoned", true), (gone.Status, gone.Error!.Contains("(worker-1) is gone", StringComparison.Ordinal)));
        Assert.Equal(("Running", (DateTimeOffset?)null), ((await RunsAsync())[running].Status, (await RunsAsync())[running].FinishedAt)); // the state itself is closed by the next run
    }
}
