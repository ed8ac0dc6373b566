using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>The last alerted state of each sync, route and condition, alike in every store.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task AlertStates_SavedPerSyncRouteAndCondition_ReplacedInPlaceAndSeenByAnotherProcess()
    {
        var store = await CreateAsync();
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        var route = "ops-ü-" + new string('x', 60);
        await store.SaveAlertStateAsync("s", new AlertState(route, "failed", true, 1, at), CancellationToken.None);
        await store.SaveAlertStateAsync("s", new AlertState(route, "held", true, 1, at), CancellationToken.None);
        await store.SaveAlertStateAsync("other", new AlertState(route, "failed", true, 9, at), CancellationToken.None);
        await store.SaveAlertStateAsync("s", new AlertState(route, "failed", false, 2, at.AddMinutes(5)), CancellationToken.None);

        var states = await OpenAgain().LoadAlertStatesAsync("s", CancellationToken.None);

        Assert.Equal([new AlertState(route, "failed", false, 2, at.AddMinutes(5)), new AlertState(route, "held", true, 1, at)], states);
        Assert.Empty(await store.LoadAlertStatesAsync("never-alerted", CancellationToken.None));
    }
}
