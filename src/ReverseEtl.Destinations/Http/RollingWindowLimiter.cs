using System.Threading.RateLimiting;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// An exact rolling window on a <see cref="TimeProvider"/>: at most <see cref="RateLimit.Requests"/> requests in any
/// rolling <see cref="RateLimit.Window"/>. A permit holds its place from the moment it is granted until one window
/// after its lease is disposed (the vendor's answer came back), so, whatever the latency, the vendor sees each request
/// inside that span and never more than the limit in any window of its own. The vendor's word can narrow it further:
/// a pause (<see cref="PauseUntil"/>), its own fixed windows (<see cref="FollowWindow"/>) or a full window (<see cref="Fill"/>).
/// Waiters are served first come, first served.
/// </summary>
/// <remarks>
/// <see cref="SlidingWindowRateLimiter"/> counts in segments and lets a few more than the limit into a true rolling
/// window, and it runs on the system clock; this keeps the time of each of the last N answers instead.
/// </remarks>
public sealed partial class RollingWindowLimiter(RateLimit limit, TimeProvider time) : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _answered = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private ITimer? _timer;
    private int _inFlight;
    private DateTimeOffset _pausedUntil;
    private (int Limit, int Left, DateTimeOffset End)? _fixed;

    public RateLimit Limit => limit;

    public override TimeSpan? IdleDuration => null;

    /// <summary>Requests sent and not yet answered.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = Available(time.GetUtcNow()), CurrentQueuedCount = _waiters.Count };
        }
    }

    /// <summary>Grants nothing before <paramref name="until"/> (a later pause wins over an earlier one).</summary>
    public void PauseUntil(DateTimeOffset until) => Change(() => _pausedUntil = until > _pausedUntil ? until : _pausedUntil);

    /// <summary>
    /// The vendor counts in fixed windows and said so (Intercom's <c>X-RateLimit-*</c>): from now on its windows rule
    /// instead of the rolling one. <paramref name="remaining"/> are left until <paramref name="reset"/>, less the
    /// requests in flight here but the one answering (the vendor may not have counted them yet); each later window of
    /// <see cref="RateLimit.Window"/> starts with <paramref name="limit"/> less what is then in flight.
    /// </summary>
    public void FollowWindow(int limit, int remaining, DateTimeOffset reset) => Change(() =>
    {
        var left = Math.Max(0, remaining - Math.Max(0, _inFlight - 1));
        if (_fixed is not { } known || reset > known.End)
        {
            _fixed = (limit, left, reset);
        }
        else if (reset == known.End)
        {
            _fixed = (limit, Math.Min(known.Left, left), reset);
        }
    });

    /// <summary>The vendor says its window is full: the next grant waits until the oldest answer here leaves the window (a whole window when there is none).</summary>
    public void Fill() => Change(() =>
    {
        var now = time.GetUtcNow();
        Purge(now);
        var until = _answered.TryPeek(out var oldest) ? oldest + limit.Window : now + limit.Window;
        _pausedUntil = until > _pausedUntil ? until : _pausedUntil;
    });

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            return _waiters.Count == 0 && TryGrant(permitCount) ? new Lease(this, permitCount) : Lease.Refused;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, limit.Requests);
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryGrant(permitCount))
            {
                return ValueTask.FromResult<RateLimitLease>(new Lease(this, permitCount));
            }

            waiter = new Waiter(permitCount);
            waiter.Node = _waiters.AddLast(waiter);
            Serve(); // the clock may have moved since the place was counted: serve or wait for the next free one

        }

        waiter.Registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        return new ValueTask<RateLimitLease>(waiter.Done.Task);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _timer?.Dispose();
                foreach (var waiter in _waiters)
                {
                    waiter.Done.TrySetException(new ObjectDisposedException(nameof(RollingWindowLimiter)));
                }

                _waiters.Clear();
            }
        }

        base.Dispose(disposing);
    }

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            Serve();
        }
    }

    private void Answered(int permitCount)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _inFlight -= permitCount;
            for (var i = 0; i < permitCount; i++)
            {
                _answered.Enqueue(now);
            }

            Serve();
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is not null)
            {
                _waiters.Remove(waiter.Node);
                Serve();
            }
        }

        waiter.Done.TrySetCanceled(cancellationToken);
    }
}
