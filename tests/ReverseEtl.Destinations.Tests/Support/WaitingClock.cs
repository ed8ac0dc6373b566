using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace ReverseEtl.Tests.Support;

/// <summary>
/// A fake clock that a test moves only to the end of the next short wait the code under test is in (a retry's backoff,
/// a pause the vendor asked for). Long waits (an attempt's timeout) are never moved on, so a request that is merely slow
/// on a busy machine does not time out, and the time between attempts is exactly what the code asked for.
/// </summary>
public sealed class WaitingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<Tracked, DateTimeOffset> _due = new();

    /// <summary>Waits at least this long are left alone.</summary>
    public TimeSpan Longest { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>When set, periodic timers (a progress line every few seconds) are left alone: only one-off waits move the clock.</summary>
    public bool OneOffWaitsOnly { get; init; }

    /// <summary>
    /// How long (in real time) the code's waits must stay as they are, and <see cref="Busy"/> false, before
    /// <see cref="RunAsync(Task)"/> moves the clock: time for an answer already on its way to be read before the clock
    /// jumps past it. Zero: the clock moves as soon as the code waits.
    /// </summary>
    public TimeSpan Settle { get; init; }

    /// <summary>While true (a stand-in vendor still answering a request), <see cref="RunAsync(Task)"/> does not move the clock.</summary>
    public Func<bool>? Busy { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new Tracked(this, base.CreateTimer(callback, state, dueTime, period));
        tracked.Change(dueTime, period);
        return tracked;
    }

    /// <summary>How long until the nearest short wait ends, or null when the code is in none.</summary>
    public TimeSpan? NextWait
    {
        get
        {
            var now = GetUtcNow();
            var next = _due.Values.Where(due => due > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            return next == DateTimeOffset.MaxValue ? null : next - now;
        }
    }

    /// <summary>Moves the clock to the end of the nearest short wait, if the code is in one; true when it moved.</summary>
    public bool AdvanceToNextWait()
    {
        var now = GetUtcNow();
        var next = _due.Values.Where(due => due > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        if (next == DateTimeOffset.MaxValue)
        {
            return false;
        }

        Advance(next - now);
        return true;
    }

    /// <summary>Runs <paramref name="work"/>, moving the clock through each of its short waits until it completes.</summary>
    public async Task<T> RunAsync<T>(Task<T> work)
    {
        await RunAsync((Task)work);
        return await work;
    }

    /// <summary>Runs <paramref name="work"/>, moving the clock through each of its short waits until it completes.</summary>
    public async Task RunAsync(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var (waits, quietSince) = (Waits(), Stopwatch.GetTimestamp());
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(5));
            if (Settle == TimeSpan.Zero && Busy is null)
            {
                AdvanceToNextWait();
            }
            else if (Waits() != waits || Busy?.Invoke() == true)
            {
                (waits, quietSince) = (Waits(), Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= Settle && AdvanceToNextWait())
            {
                (waits, quietSince) = (Waits(), Stopwatch.GetTimestamp());
            }
        }

        await work;
    }

    // The code's current short waits, as one value that changes when one is added, moved or ended.
    private (int Count, long Ticks) Waits() => (_due.Count, _due.Values.Sum(due => due.UtcTicks % 1_000_000_007));

    private sealed class Tracked(WaitingClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || dueTime >= clock.Longest || (clock.OneOffWaitsOnly && period != Timeout.InfiniteTimeSpan))
            {
                clock._due.TryRemove(this, out _);
            }
            else
            {
                clock._due[this] = clock.GetUtcNow() + dueTime;
            }

            return inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock._due.TryRemove(this, out _);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock._due.TryRemove(this, out _);
            return inner.DisposeAsync();
        }
    }
}
