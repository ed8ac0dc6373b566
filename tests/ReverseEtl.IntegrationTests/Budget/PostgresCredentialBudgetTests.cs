using Dapper;
using Npgsql;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.IntegrationTests.Postgres;
using ReverseEtl.State.Postgres;

namespace ReverseEtl.IntegrationTests.Budget;

/// <summary>
/// The credential budget in a real PostgreSQL: the bucket's arithmetic on the server's clock, and two replicas (two
/// budgets, each with its own connection pool, each with its own limiter and several callers) sharing one budget.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class PostgresCredentialBudgetTests(PostgresServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Take_AllOrNothing_RefusalSaysHowLongUntilThereIsEnough()
    {
        var state = await MigratedAsync();
        await using var budget = new PostgresCredentialBudget(state);
        var bucket = new BudgetBucket(Capacity: 5, PerSecond: 1);

        var first = await budget.TakeAsync("k1", bucket, 5, CancellationToken.None);
        var second = await budget.TakeAsync("k1", bucket, 5, CancellationToken.None);
        var other = await budget.TakeAsync("k2", bucket, 3, CancellationToken.None);

        Assert.Equal(new BudgetGrant(5, TimeSpan.Zero), first);
        Assert.Equal(0, second.Granted);
        Assert.InRange(second.Wait, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)); // 5 missing at 1 a second, less what refilled since
        Assert.Equal(new BudgetGrant(3, TimeSpan.Zero), other);
        await using var connection = new NpgsqlConnection(state);
        var rows = (await connection.QueryAsync<(string Key, double Tokens)>("select credential_key, tokens from credential_budgets order by 1")).ToList();
        Assert.Equal(["k1", "k2"], rows.Select(r => r.Key));
        Assert.InRange(rows[1].Tokens, 2, 2.5);
    }

    [Fact]
    public async Task TwoReplicas_SeparatePools_ShareOneBudget_NeverMoreThanTheLimitInAnyWindow()
    {
        var state = await MigratedAsync();
        var limit = new RateLimit(20, TimeSpan.FromSeconds(1));
        var key = SharedRateLimiters.BudgetKey(new HttpConnection(new TestPolicy(), "crm", "pat-shared-ünï", limit, TimeSpan.FromSeconds(30), null));
        var sent = new List<DateTimeOffset>();
        await using (var firstPool = new PostgresCredentialBudget(state))
        await using (var secondPool = new PostgresCredentialBudget(state))
        {
            using var first = new SharedBudgetLimiter(firstPool, key, limit.Shared(), TimeProvider.System);
            using var second = new SharedBudgetLimiter(secondPool, key, limit.Shared(), TimeProvider.System);
            var callers = Enumerable.Range(0, 8).Select(i => SendAsync(i % 2 == 0 ? first : second, 15, sent));
            await Task.WhenAll(callers);
        }

        var times = sent.Order().ToList();
        var busiest = times.Max(t => times.Count(u => u >= t && u < t + limit.Window));
        output.WriteLine($"{times.Count} sent in {(times[^1] - times[0]).TotalSeconds:0.0} s; at most {busiest} in any {limit.Window.TotalSeconds} s");
        Assert.Equal(120, times.Count);
        Assert.InRange(busiest, 1, limit.Requests);
        await using var connection = new NpgsqlConnection(state);
        Assert.Equal([key], await connection.QueryAsync<string>("select credential_key from credential_budgets"));
    }

    [Fact]
    public async Task Take_StateUnreachable_SaysWhichStoreAndWhatToCheck_NeverThePassword()
    {
        var state = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync()) { Database = "no_such_db", Password = "s3cr3t-pw" }.ConnectionString;
        await using var budget = new PostgresCredentialBudget(state);

        var failure = await Assert.ThrowsAsync<DestinationException>(() => budget.TakeAsync("k1", new BudgetBucket(1, 1), 1, CancellationToken.None));

        Assert.StartsWith("the request budget shared by replicas could not be read from the PostgreSQL state (host 127.0.0.1, database no_such_db): ", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("check RETL_STATE_CONNECTION_STRING and that the server is up (nothing was sent)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", failure.Message, StringComparison.Ordinal);
    }

    private static async Task SendAsync(SharedBudgetLimiter limiter, int requests, List<DateTimeOffset> sent)
    {
        for (var i = 0; i < requests; i++)
        {
            using var lease = await limiter.AcquireAsync(1);
            Assert.True(lease.IsAcquired);
            lock (sent)
            {
                sent.Add(TimeProvider.System.GetUtcNow());
            }
        }
    }

    private async Task<string> MigratedAsync()
    {
        var state = await server.CreateDatabaseAsync();
        await using var store = new PostgresSyncStateStore(state, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return state;
    }

    private sealed class TestPolicy : VendorHttpPolicy
    {
        public override string Vendor => "HubSpot";

        public override string Title => "HubSpot";

        public override RateLimit DefaultRateLimit { get; } = new(100, TimeSpan.FromSeconds(10));
    }
}
