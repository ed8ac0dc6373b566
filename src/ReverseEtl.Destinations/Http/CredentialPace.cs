using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A credential's limiter (this process's own exact rolling window, or a budget shared by replicas), the lanes some of
/// its requests also keep (Slack: each channel's posts), and what the vendor's answers say of its quota. A request holds
/// its permits until its answer came, so the window counts from the answer.
/// </summary>
internal sealed class CredentialPace(RateLimiter limiter, RateLimit limit, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, RollingWindowLimiter> _lanes = new(StringComparer.Ordinal);
    private long _pausedUntilTicks;

    /// <summary>An exact rolling window in this process: with the SQLite state, this process is the only one using the credential.</summary>
    public static CredentialPace InProcess(RateLimit limit, TimeProvider time) => new(new RollingWindowLimiter(limit, time), limit, time);

    /// <summary>Waits for a place in each of <paramref name="lanes"/>, then in the credential's limit; dispose the result once the answer came.</summary>
    public async Task<IDisposable> WaitAsync(IReadOnlyList<PaceLane> lanes, CancellationToken cancellationToken)
    {
        var leases = new List<RateLimitLease>(lanes.Count + 1);
        try
        {
            foreach (var lane in lanes)
            {
                leases.Add(await AcquireAsync(_lanes.GetOrAdd(lane.Key, static (_, s) => new RollingWindowLimiter(s.Limit, s.Time), (lane.Limit, Time: time)), cancellationToken));
            }

            var pause = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, cancellationToken);
            }

            leases.Add(await AcquireAsync(limiter, cancellationToken));
            return new Leases(leases);
        }
        catch
        {
            leases.ForEach(l => l.Dispose());
            throw;
        }
    }

    /// <summary>Follows what an answer said of the credential's quota.</summary>
    public void Observe(VendorQuota quota)
    {
        if (quota.PauseUntil is { } until)
        {
            PauseUntil(until);
        }

        if (quota.Window is { } window)
        {
            if (limiter is RollingWindowLimiter own)
            {
                own.FollowWindow(window.Limit, window.Remaining, window.Reset);
            }
            else if (window.Remaining <= 0)
            {
                PauseUntil(window.Reset);
            }
        }

        if (quota.WindowFull)
        {
            if (limiter is RollingWindowLimiter own)
            {
                own.Fill();
            }
            else
            {
                PauseUntil(time.GetUtcNow() + limit.Window);
            }
        }
    }

    public void Dispose()
    {
        limiter.Dispose();
        foreach (var lane in _lanes.Values)
        {
            lane.Dispose();
        }
    }

    private void PauseUntil(DateTimeOffset until)
    {
        if (limiter is RollingWindowLimiter own)
        {
            own.PauseUntil(until);
            return;
        }

        var ticks = until.UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _pausedUntilTicks);
        }
        while (ticks > seen && Interlocked.CompareExchange(ref _pausedUntilTicks, ticks, seen) != seen);
    }

    // A permit free now is taken whatever the token says: only a request that has to wait can be stopped.
    private static async Task<RateLimitLease> AcquireAsync(RateLimiter limiter, CancellationToken cancellationToken)
    {
        var free = limiter.AttemptAcquire(1);
        if (free.IsAcquired)
        {
            return free;
        }

        free.Dispose();
        var lease = await limiter.AcquireAsync(1, cancellationToken);
        return lease.IsAcquired ? lease : throw new InvalidOperationException("The shared rate limiter refused a permit although its queue is unbounded.");
    }

    private sealed class Leases(List<RateLimitLease> leases) : IDisposable
    {
        public void Dispose() => leases.ForEach(l => l.Dispose());
    }
}
