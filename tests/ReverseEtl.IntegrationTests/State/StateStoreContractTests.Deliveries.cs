using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests.State;

/// <summary>The write-ahead log of sends, alike in every store.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task Pending_LoggedReplacedClearedAndClearedByDelivery()
    {
        var store = await CreateAsync();
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, 123, TimeSpan.Zero);
        var longKey = "Zoë " + new string('ж', 2_000);
        await store.RecordPendingAsync("s", 1, [new("a", RecordAction.Enter, ulong.MaxValue, at), new(longKey, RecordAction.Change, 0, at), new("c", RecordAction.Delete, 5, at)], CancellationToken.None);
        await store.RecordPendingAsync("s", 2, [new("a", RecordAction.Change, 9, at.AddMinutes(1))], CancellationToken.None);
        await store.ClearPendingAsync("s", ["c", "not-there"], CancellationToken.None);
        await store.ApplyAsync("s", [new(longKey, new RecordState(0, true))], CancellationToken.None);

        var pending = await OpenAgain().LoadPendingAsync("s", CancellationToken.None);

        Assert.Equal(new PendingSend("a", RecordAction.Change, 9, at.AddMinutes(1)), Assert.Single(pending).Value);
        Assert.Empty(await store.LoadPendingAsync("other", CancellationToken.None));
    }
}
