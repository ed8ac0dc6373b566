using System.Threading.RateLimiting;

namespace ReverseEtl.Destinations.Http;

/// <summary>A sliding-window limiter, plus a pause that the vendor's quota headers can ask for.</summary>
internal sealed class CredentialPace(RateLimit limit) : IDisposable
{
    private readonly SlidingWindowRateLimiter _limiter = new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = limit.Requests,
        Window = limit.Window,
        SegmentsPerWindow = 10,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    private long _pausedUntilTicks;

    public async Task WaitAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var pause = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, time, cancellationToken);
        }

        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The shared rate limiter refused a permit although its queue is unbounded.");
        }
    }

    public void PauseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _pausedUntilTicks);
        }
        while (ticks > seen && Interlocked.CompareExchange(ref _pausedUntilTicks, ticks, seen) != seen);
    }

    public void Dispose() => _limiter.Dispose();
}
