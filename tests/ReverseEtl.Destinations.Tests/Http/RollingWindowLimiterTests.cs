using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>
/// The exact rolling window, on a fake clock: never more than the limit in any rolling window as the vendor sees it
/// (each request arrives somewhere between its grant and its answer), a waiter served the moment the oldest answer
/// leaves the window, the vendor's pause, fixed windows and full window followed, first come first served.
/// </summary>
public class RollingWindowLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(100, 10.0, 0, 250, 1)]
    [InlineData(100, 10.0, 180, 220, 2)]
    [InlineData(5, 1.0, 0, 40, 3)]
    [InlineData(1, 1.0, 1, 300, 4)]
    [InlineData(1_667, 10.0, 2, 190, 5)]
    public void AttemptAcquire_NeverMoreThanTheLimitInAnyRollingWindow_WhateverTheLatency(int requests, double seconds, int leastMs, int mostMs, int seed)
    {
        var limit = new RateLimit(requests, TimeSpan.FromSeconds(seconds));
        var sent = Drive(limit, TimeSpan.FromSeconds(seconds * 5.5), leastMs, mostMs, seed);

        // The vendor counts a request when it arrives, at some moment between its grant and its answer; the busiest
        // window starts at an answer, and holds every request answered since whose grant came before the window's end.
        foreach (var (_, answer) in sent)
        {
            var inWindow = sent.Count(s => s.Answered >= answer && s.Granted < answer + limit.Window);
            Assert.True(inWindow <= requests, $"{inWindow} requests may have arrived in the window from {answer - Start}");
        }
    }

    [Theory]
    [InlineData(100, 10.0, 0, 5)]
    [InlineData(1_667, 10.0, 0, 20)]
    [InlineData(1, 1.0, 2, 5)]
    public void AttemptAcquire_KeepsUpWithTheLimit_WhenAnswersAreQuick(int requests, double seconds, int leastMs, int mostMs)
    {
        var limit = new RateLimit(requests, TimeSpan.FromSeconds(seconds));

        var sent = Drive(limit, TimeSpan.FromSeconds(seconds * 20), leastMs, mostMs, seed: 7);

        // Twenty windows: a first window's worth at once, then one more window's worth per window, less the answers' time.
        Assert.InRange(sent.Count, (int)(0.95 * 20 * requests), 20 * requests);
    }

    [Fact]
    public async Task AcquireAsync_FullWindow_WaitsExactlyUntilTheOldestAnswerLeavesIt()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(2, TimeSpan.FromSeconds(10)), clock);
        var first = limiter.AttemptAcquire();
        var second = limiter.AttemptAcquire();
        clock.Advance(TimeSpan.FromSeconds(1));
        first.Dispose(); // answered at 1 s
        clock.Advance(TimeSpan.FromSeconds(2));
        second.Dispose(); // answered at 3 s

        var third = limiter.AcquireAsync(1).AsTask();
        clock.Advance(TimeSpan.FromSeconds(8) - TimeSpan.FromTicks(1));
        Assert.False(third.IsCompleted, "granted before the first answer left the window");
        clock.Advance(TimeSpan.FromTicks(1));

        Assert.True((await third).IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired, "the second answer is still in the window");
    }

    [Fact]
    public async Task AcquireAsync_InFlightRequests_HoldTheirPlaceUntilAnswered()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(1, TimeSpan.FromSeconds(1)), clock);
        var slow = limiter.AttemptAcquire();
        var next = limiter.AcquireAsync(1).AsTask();

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(next.IsCompleted, "granted while the first request had no answer");
        slow.Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await next).IsAcquired);
        Assert.Equal(1, limiter.InFlight);
    }

    [Fact]
    public async Task PauseUntil_NothingIsGrantedBeforeTheVendorsReset()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(100, TimeSpan.FromSeconds(10)), clock);
        limiter.PauseUntil(Start.AddSeconds(7));
        limiter.PauseUntil(Start.AddSeconds(2)); // an earlier pause does not shorten it

        var waiting = limiter.AcquireAsync(1).AsTask();
        clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        Assert.True((await waiting).IsAcquired);
    }

    [Fact]
    public void FollowWindow_GrantsWhatIsLeftUntilTheReset_ThenAWindowsWorth()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(1_666, TimeSpan.FromSeconds(10)), clock);
        var answering = limiter.AttemptAcquire();
        var inFlight = limiter.AttemptAcquire();

        // Intercom: 3 a window, 2 left until 4 s from now; the other request in flight may not have been counted yet.
        limiter.FollowWindow(limit: 3, remaining: 2, reset: Start.AddSeconds(4));
        answering.Dispose();

        Assert.Equal([true, false], Grants(limiter, 2));
        clock.Advance(TimeSpan.FromSeconds(4));
        inFlight.Dispose();
        Assert.Equal([true, true, true, false], Grants(limiter, 4));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([true, true, true, false], Grants(limiter, 4)); // the next window, 10 s after the reset, with nothing in flight
    }

    [Fact]
    public async Task Fill_TheVendorsWindowIsFull_WaitsForTheOldestAnswerToLeaveIt()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(100, TimeSpan.FromSeconds(10)), clock);
        limiter.AttemptAcquire().Dispose(); // answered at 0 s
        clock.Advance(TimeSpan.FromSeconds(3));

        limiter.Fill(); // HubSpot answered 429 TEN_SECONDLY_ROLLING: another client shares the token
        var waiting = limiter.AcquireAsync(1).AsTask();
        clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));

        Assert.True((await waiting).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_FirstComeFirstServed_AndACancelledWaiterTakesNoPlace()
    {
        var clock = new FakeTimeProvider(Start);
        using var limiter = new RollingWindowLimiter(new RateLimit(1, TimeSpan.FromSeconds(1)), clock);
        limiter.AttemptAcquire().Dispose();
        using var stop = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(1, stop.Token).AsTask();
        var second = limiter.AcquireAsync(1).AsTask();
        var third = limiter.AcquireAsync(1).AsTask();

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCompletedSuccessfully, "the waiter after the cancelled one is next");
        Assert.False(third.IsCompleted);
        (await second).Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True((await third).IsAcquired);
    }

    // Asks for permits one after the other, each answered at once.
    private static List<bool> Grants(RollingWindowLimiter limiter, int count) => Enumerable.Range(0, count).Select(_ =>
    {
        using var lease = limiter.AttemptAcquire();
        return lease.IsAcquired;
    }).ToList();

    // Sends as fast as the limiter allows for a while, each request answered after a random latency; a 1 ms clock step.
    private static List<(DateTimeOffset Granted, DateTimeOffset Answered)> Drive(RateLimit limit, TimeSpan duration, int leastMs, int mostMs, int seed)
    {
        var clock = new FakeTimeProvider(Start);
        var random = new Random(seed);
        using var limiter = new RollingWindowLimiter(limit, clock);
        var open = new PriorityQueue<(DateTimeOffset Granted, System.Threading.RateLimiting.RateLimitLease Lease), DateTimeOffset>();
        var sent = new List<(DateTimeOffset, DateTimeOffset)>();
        for (var now = Start; now < Start + duration; now = now.AddMilliseconds(1), clock.Advance(TimeSpan.FromMilliseconds(1)))
        {
            while (open.TryPeek(out var done, out var due) && due <= now)
            {
                open.Dequeue();
                done.Lease.Dispose();
                sent.Add((done.Granted, now));
            }

            while (limiter.AttemptAcquire() is { IsAcquired: true } lease)
            {
                open.Enqueue((now, lease), now.AddMilliseconds(random.Next(leastMs, mostMs + 1)));
            }
        }

        return sent;
    }
}
