using System.Threading.RateLimiting;

namespace ReverseEtl.Destinations.Http;

/// <summary>The limiter's places: how many are free now, and when the next one frees itself.</summary>
public sealed partial class RollingWindowLimiter
{
    // Under the lock: grants to the waiters in order while permits last, then sets the timer for the next free place.
    // Should the clock have moved past that place meanwhile (a fake clock advanced by another thread), it serves again.
    private void Serve()
    {
        for (var round = 0; ; round++)
        {
            while (_waiters.First is { } first && TryGrant(first.Value.Permits))
            {
                _waiters.RemoveFirst();
                first.Value.Registration.Unregister(); // not Dispose: it would wait for a cancel callback that waits for this lock
                if (!first.Value.Done.TrySetResult(new Lease(this, first.Value.Permits)))
                {
                    _inFlight -= first.Value.Permits; // cancelled meanwhile: the place is not used
                }
            }

            if (Schedule(time.GetUtcNow(), last: round == 2))
            {
                return;
            }
        }
    }

    private bool TryGrant(int permitCount)
    {
        if (Available(time.GetUtcNow()) < permitCount)
        {
            return false;
        }

        _inFlight += permitCount;
        _fixed = _fixed is { } window ? window with { Left = window.Left - permitCount } : null;
        return true;
    }

    private int Available(DateTimeOffset now)
    {
        Purge(now);
        if (now < _pausedUntil)
        {
            return 0;
        }

        return _fixed is { } window ? window.Left : limit.Requests - _inFlight - _answered.Count;
    }

    private void Purge(DateTimeOffset now)
    {
        while (_answered.TryPeek(out var oldest) && oldest + limit.Window <= now)
        {
            _answered.Dequeue();
        }

        if (_fixed is { } window && window.End <= now)
        {
            var passed = ((now - window.End).Ticks / limit.Window.Ticks) + 1;
            _fixed = (window.Limit, Math.Max(0, window.Limit - _inFlight), window.End + (limit.Window * passed));
        }
    }

    // The next moment something may free up by itself: the pause ends, the vendor's window resets, the oldest answers
    // age out. False when that moment has already come (serve again).
    private bool Schedule(DateTimeOffset now, bool last)
    {
        if (_waiters.Count == 0)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return true;
        }

        DateTimeOffset? next = now < _pausedUntil ? _pausedUntil
            : _fixed is { Left: <= 0 } window ? window.End
            : _fixed is null ? WhenAnswersLeave(_waiters.First!.Value.Permits)
            : null;
        if (next is not { } due)
        {
            return true; // only answers still to come can free a place
        }

        if (due <= now && !last)
        {
            return false;
        }

        _timer ??= time.CreateTimer(static s => ((RollingWindowLimiter)s!).Change(static () => { }), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due > now ? due - now : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
        return true;
    }

    // When enough answers have left the window for the first waiter; null when places held by requests in flight are
    // what it waits for (their answers will serve it).
    private DateTimeOffset? WhenAnswersLeave(int permits)
    {
        var leaving = permits - (limit.Requests - _inFlight - _answered.Count);
        return leaving >= 1 && leaving <= _answered.Count ? _answered.ElementAt(leaving - 1) + limit.Window : null;
    }

    private sealed class Waiter(int permits)
    {
        public int Permits => permits;

        public TaskCompletionSource<RateLimitLease> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(RollingWindowLimiter? owner, int permits) : RateLimitLease
    {
        public static readonly Lease Refused = new(null, 0);
        private int _disposed;

        public override bool IsAcquired => owner is not null;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && owner is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Answered(permits);
            }

            base.Dispose(disposing);
        }
    }
}
