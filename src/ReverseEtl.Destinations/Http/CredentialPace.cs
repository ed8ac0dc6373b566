using System.Threading.RateLimiting;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A credential's limiter (this process's own sliding window, or a budget shared by replicas), plus a pause that the
/// vendor's quota headers can ask for.
/// </summary>
internal sealed class CredentialPace(RateLimiter limiter) : IDisposable
{
    private readonly RateLimiter _limiter = limiter;

    /// <summary>A sliding window in this process: with the SQLite state, this process is the only one using the credential.</summary>
    public static CredentialPace InProcess(RateLimit limit) => new(new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = limit.Requests,
        Window = limit.Window,
        SegmentsPerWindow = 10,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    }));

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
