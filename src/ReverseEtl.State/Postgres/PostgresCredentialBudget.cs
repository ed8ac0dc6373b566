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
        var (granted, tokens) = await TakeRowAsync(credentialKey, bucket, permits, cancellationToken);
        return granted > 0
            ? new BudgetGrant(granted, TimeSpan.Zero)
            : new BudgetGrant(0, TimeSpan.FromSeconds((permits - tokens) / bucket.PerSecond));
    }

    private async Task<(int Granted, double Tokens)> TakeRowAsync(string key, BudgetBucket bucket, int permits, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            return await connection.QuerySingleAsync<(int, double)>(new CommandDefinition(
                Take, new { key, capacity = bucket.Capacity, perSecond = bucket.PerSecond, permits }, cancellationToken: cancellationToken));
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var where = new NpgsqlConnectionStringBuilder(_source.ConnectionString);
            throw new DestinationException(
                $"the request budget shared by replicas could not be read from the PostgreSQL state (host {where.Host}, database {where.Database}): {Reason(ex)}; "
                + "check RETL_STATE_CONNECTION_STRING and that the server is up (nothing was sent)", ex);
        }
    }

    // One line: a server error's own text, without the detail lines PostgresException.Message adds.
    private static string Reason(NpgsqlException ex) => ex is PostgresException server ? $"{server.SqlState}: {server.MessageText}" : ex.Message;

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    public void Dispose() => _source.Dispose();
}
