using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Core.Activation;
using ReverseEtl.Worker.StatusPage;

namespace ReverseEtl.IntegrationTests.StatusPage;

public class ActivationCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 5, 20, 8, 0, 0, TimeSpan.Zero));
    private int _reads;

    [Fact]
    public async Task GetAsync_WithinLifetime_ReadsOnceAndAfterItReadsAgain()
    {
        var cache = new ActivationCache(ReadAsync, _time);

        var first = await cache.GetAsync(CancellationToken.None);
        _time.Advance(ActivationCache.Lifetime - TimeSpan.FromSeconds(1));
        var second = await cache.GetAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var third = await cache.GetAsync(CancellationToken.None);

        Assert.Same(first, second);
        Assert.NotSame(first, third);
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_ReadFailed_NextRequestReadsAgain()
    {
        var cache = new ActivationCache(_ => ++_reads == 1 ? throw new InvalidOperationException("warehouse away") : ReadAsync(CancellationToken.None), _time);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(CancellationToken.None));
        var report = await cache.GetAsync(CancellationToken.None);

        Assert.Equal("warehouse away", failure.Message);
        Assert.NotNull(report);
        Assert.Equal(3, _reads);
    }

    private Task<ActivationReport?> ReadAsync(CancellationToken cancellationToken)
    {
        _reads++;
        return Task.FromResult<ActivationReport?>(ActivationCalculator.Compute([new("a1", "Café", _time.GetUtcNow().UtcDateTime.AddDays(-30), null, false, null, 3)], [], _time.GetUtcNow().UtcDateTime));
    }
}
