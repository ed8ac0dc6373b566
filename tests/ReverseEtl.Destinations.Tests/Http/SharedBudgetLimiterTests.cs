using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.Tests.Support;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>
/// The pace shared by replicas, on a fake clock: the shape of the bucket a limit becomes, leases (one call to the budget
/// for several permits), waiting as long as the budget says, dropping a stale lease, and the key (never the credential).
/// </summary>
public class SharedBudgetLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, double> Limits => new()
    {
        { 100, 10 }, { 190, 10 }, { 50, 60 }, { 5, 5 }, { 1_000, 10 }, { 1_666, 10 }, { 10, 2 }, { 2, 1 }, { 7, 0.5 },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void Shared_NeverMoreThanTheLimitInAnyWindow_EvenWithLeasesUsedLate(int requests, double seconds)
    {
        var limit = new RateLimit(requests, TimeSpan.FromSeconds(seconds));

        var shape = limit.Shared();

        var mostInAWindow = shape.Bucket.Capacity + shape.Bucket.PerSecond * (limit.Window + 2 * shape.LeaseLife).TotalSeconds;
        Assert.InRange(mostInAWindow, requests - 1e-9, requests + 1e-9);
        Assert.Equal(shape.Lease, shape.Bucket.Capacity);
        Assert.InRange(shape.Lease, 1, 10);
        Assert.True(shape.LeaseLife <= TimeSpan.FromSeconds(1) && shape.LeaseLife <= limit.Window / 20, $"lease life {shape.LeaseLife}");
        Assert.True(shape.Bucket.PerSecond * limit.Window.TotalSeconds >= 0.8 * (requests - shape.Lease), "the shared pace keeps most of the limit");
    }

    [Fact]
    public void Shared_HubSpotDefault_LeasesOfFive_NinetyFiveRequestsOverElevenSeconds()
    {
        var shape = new RateLimit(100, TimeSpan.FromSeconds(10)).Shared();

        Assert.Equal((5, TimeSpan.FromMilliseconds(500)), (shape.Lease, shape.LeaseLife));
        Assert.Equal(new BudgetBucket(5, 95 / 11.0), shape.Bucket);
    }

    [Fact]
    public async Task Acquire_OneCallToTheBudgetPerLease()
    {
        var clock = new WaitingClock(Start);
        var budget = new BucketBudget(clock);
        using var limiter = Limiter(budget, new RateLimit(100, TimeSpan.FromSeconds(10)), clock);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await clock.RunAsync(limiter.AcquireAsync(1).AsTask())).IsAcquired);
        }

        Assert.Equal(2, budget.Grants); // leases of 5: the bucket starts full (5), then refills 95 / 11 a second
        Assert.InRange(budget.Calls, 3, 4); // and one refusal (two, when a rounding left it a hair short)
        Assert.InRange(clock.GetUtcNow() - Start, TimeSpan.FromSeconds(5 / (95 / 11.0)), TimeSpan.FromSeconds(5 / (95 / 11.0)) + TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task Acquire_BudgetSpent_WaitsExactlyAsLongAsTheBudgetSays()
    {
        var clock = new WaitingClock(Start);
        var budget = new RefusingBudget(clock, TimeSpan.FromSeconds(3), refusals: 2);
        using var limiter = Limiter(budget, new RateLimit(10, TimeSpan.FromSeconds(2)), clock);

        var lease = await clock.RunAsync(limiter.AcquireAsync(1).AsTask());

        Assert.True(lease.IsAcquired);
        Assert.Equal(Start.AddSeconds(6), clock.GetUtcNow());
        Assert.Equal([Start, Start.AddSeconds(3), Start.AddSeconds(6)], budget.Asked);
    }

    [Fact]
    public async Task Acquire_LeaseOlderThanItsLife_IsDroppedAndTheBudgetAskedAgain()
    {
        var clock = new WaitingClock(Start);
        var budget = new BucketBudget(clock);
        using var limiter = Limiter(budget, new RateLimit(100, TimeSpan.FromSeconds(10)), clock);
        Assert.True((await limiter.AcquireAsync(1)).IsAcquired);
        Assert.Equal(4, limiter.GetStatistics()!.CurrentAvailablePermits);

        clock.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(0, limiter.GetStatistics()!.CurrentAvailablePermits);
        Assert.False(limiter.AttemptAcquire(1).IsAcquired);
        Assert.True((await clock.RunAsync(limiter.AcquireAsync(1).AsTask())).IsAcquired);
        Assert.Equal(2, budget.Grants);
    }

    [Fact]
    public async Task TwoReplicas_OneBucket_NeverMoreThanTheLimitInAnyRollingWindow()
    {
        var clock = new WaitingClock(Start);
        var budget = new BucketBudget(clock);
        var limit = new RateLimit(10, TimeSpan.FromSeconds(2));
        using var first = Limiter(budget, limit, clock);
        using var second = Limiter(budget, limit, clock);
        var sent = new List<DateTimeOffset>();

        async Task SendAsync(SharedBudgetLimiter limiter)
        {
            for (var i = 0; i < 40; i++)
            {
                using var lease = await limiter.AcquireAsync(1);
                Assert.True(lease.IsAcquired);
                lock (sent)
                {
                    sent.Add(clock.GetUtcNow());
                }
            }
        }

        await clock.RunAsync(Task.WhenAll(SendAsync(first), SendAsync(second)));

        Assert.Equal(80, sent.Count);
        var busiest = sent.Max(t => sent.Count(u => u >= t && u < t + limit.Window));
        Assert.InRange(busiest, 8, 10);
    }

    [Fact]
    public void BudgetKey_HashOfVendorAndCredential_NeverTheCredential()
    {
        var token = "pat-na1-ünï-0000-secret";

        var key = SharedRateLimiters.BudgetKey(Connection(new HubSpotHttpPolicy(), token));

        Assert.Matches("^[0-9a-f]{32}$", key);
        Assert.DoesNotContain("secret", key, StringComparison.Ordinal);
        Assert.Equal(key, SharedRateLimiters.BudgetKey(Connection(new HubSpotHttpPolicy(), token) with { Connection = "other" }));
        Assert.NotEqual(key, SharedRateLimiters.BudgetKey(Connection(new SlackHttpPolicy(), token)));
        Assert.NotEqual(key, SharedRateLimiters.BudgetKey(Connection(new HubSpotHttpPolicy(), token + " ")));
    }

    private static SharedBudgetLimiter Limiter(ICredentialBudget budget, RateLimit limit, TimeProvider clock) =>
        new(budget, "key", limit.Shared(), clock);

    private static HttpConnection Connection(VendorHttpPolicy policy, string credential) =>
        new(policy, "crm", credential, new RateLimit(100, TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(30), null);

    /// <summary>The token bucket PostgreSQL keeps, on the fake clock: refilled since the last call, all or nothing.</summary>
    private sealed class BucketBudget(TimeProvider clock) : ICredentialBudget
    {
        private double? _tokens;
        private DateTimeOffset _at;

        public int Calls { get; private set; }

        public int Grants { get; private set; }

        public Task<BudgetGrant> TakeAsync(string credentialKey, BudgetBucket bucket, int permits, CancellationToken cancellationToken)
        {
            lock (this)
            {
                Calls++;
                var now = clock.GetUtcNow();
                var tokens = Math.Min(bucket.Capacity, (_tokens ?? bucket.Capacity) + bucket.PerSecond * (now - (_tokens is null ? now : _at)).TotalSeconds);
                (_at, _tokens) = (now, tokens >= permits ? tokens - permits : tokens);
                Grants += tokens >= permits ? 1 : 0;
                return Task.FromResult(tokens >= permits ? new BudgetGrant(permits, TimeSpan.Zero) : new BudgetGrant(0, TimeSpan.FromSeconds((permits - tokens) / bucket.PerSecond)));
            }
        }
    }

    /// <summary>Refuses the first calls, each with the same wait, then grants; remembers when it was asked.</summary>
    private sealed class RefusingBudget(TimeProvider clock, TimeSpan wait, int refusals) : ICredentialBudget
    {
        public List<DateTimeOffset> Asked { get; } = [];

        public Task<BudgetGrant> TakeAsync(string credentialKey, BudgetBucket bucket, int permits, CancellationToken cancellationToken)
        {
            Assert.Equal("key", credentialKey);
            Asked.Add(clock.GetUtcNow());
            return Task.FromResult(Asked.Count <= refusals ? new BudgetGrant(0, wait) : new BudgetGrant(permits, TimeSpan.Zero));
        }
    }
}
