using Dapper;
using Npgsql;
using ReverseEtl.Abstractions;

namespace ReverseEtl.State.Postgres;

/// <summary>
/// The credential budgets in PostgreSQL (table <c>credential_budgets</c>, migration 0006): a token bucket per
/// credential, refilled and taken from in one atomic <c>insert … on conflict … do update … returning</c>, timed by the
/// server's clock so that replicas' clocks need not agree. One round trip per lease of permits, not per request.
/// </summary>
public sealed class PostgresCredentialBudget(string connectionString) : ICredentialBudget, IAsyncDisposable, IDisposable
{
    // What the bucket holds now: what it held, plus the refill since, up to its capacity. A statement that waited for the
    // row's lock behind a later one sees no time pass (greatest(0, …)), never a negative refill.
    private const string Available =
        "least(@capacity, b.tokens + @perSecond * greatest(0, extract(epoch from excluded.refilled_at - b.refilled_at)::float8))";

    private const string Take = $"""
        insert into credential_budgets as b (credential_key, tokens, granted, refilled_at)
        values (@key, @capacity - @permits, @permits, clock_timestamp())
        on conflict (credential_key) do update set
            tokens = case when {Available} >= @permits then {Available} - @permits else {Available} end,
            granted = case when {Available} >= @permits then @permits else 0 end,
            refilled_at = greatest(b.refilled_at, excluded.refilled_at)
        returning granted, tokens
        """;

    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public async Task<BudgetGrant> TakeAsync(string credentialKey, BudgetBucket bucket, int permits, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permits, bucket.Capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucket.PerSecond);
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        var (granted, tokens) = await connection.QuerySingleAsync<(int, double)>(new CommandDefinition(
            Take, new { key = credentialKey, capacity = bucket.Capacity, perSecond = bucket.PerSecond, permits }, cancellationToken: cancellationToken));
        return granted > 0
            ? new BudgetGrant(granted, TimeSpan.Zero)
            : new BudgetGrant(0, TimeSpan.FromSeconds((permits - tokens) / bucket.PerSecond));
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    public void Dispose() => _source.Dispose();
}
