using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ReverseEtl.State.Postgres;

/// <summary>
/// The sync state in PostgreSQL, for deployments with several replicas: every worker sees the same state. Tables live
/// in the connection's schema (set <c>Search Path</c> in the connection string to choose one). Migrations run under an
/// advisory lock, so replicas starting together migrate once.
/// </summary>
public sealed partial class PostgresSyncStateStore(string connectionString, TimeProvider time, ILogger? logger = null) : SqlSyncStateStore(time), IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly string _connectionString = connectionString;
    private const long MigrationLock = 0x7265_746C_6D69_67; // "retlmig"
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    // Lock sessions are not pooled: a lock never outlives its run in a session kept open by the pool.
    private readonly NpgsqlDataSource _locks = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _locks.DisposeAsync();
    }

    /// <summary>
    /// A session advisory lock on a connection of its own, held for the run. PostgreSQL drops it with the connection:
    /// at once when the process dies, and within about 20 s when its node is lost (the keepalives set here), before the
    /// cluster declares the replica dead (about 25 s) and recovers its run.
    /// </summary>
    public override async Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken)
    {
        var key = SyncLock(sync);
        var connection = await _locks.OpenConnectionAsync(cancellationToken);
        var held = false;
        try
        {
            await connection.ExecuteAsync(
                "set tcp_keepalives_idle = 5; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3; select set_config('application_name', @name, false)",
                new { name = LockSessionName(sync) });
            held = await connection.ExecuteScalarAsync<bool>("select pg_try_advisory_lock(@key)", new { key });
            return held ? new AdvisoryLock(connection, key, sync, _logger) : null;
        }
        finally
        {
            if (!held)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The lock as pg_locks lists it (a 64-bit key is its classid and objid), in this database.</summary>
    protected override async Task<bool> IsLockHeldAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            """
            select exists (select 1 from pg_locks l join pg_database d on d.oid = l.database
                           where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and d.datname = current_database()
                             and ((l.classid::int8 << 32) | l.objid::int8) = @key)
            """,
            new { key = SyncLock(sync) }, cancellationToken: cancellationToken));
    }

    protected override string KeyIn => "= any(@keys)";

    protected override string KeyCollation => " collate \"C\"";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken);

    protected override async Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await RequireUtf8Async(connection);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("select pg_advisory_xact_lock(@MigrationLock)", new { MigrationLock }, transaction);
        await connection.ExecuteAsync("create table if not exists retl_schema_version (version int not null)", transaction: transaction);
        var current = await connection.ExecuteScalarAsync<int?>("select max(version) from retl_schema_version", transaction: transaction) ?? 0;
        var assembly = typeof(PostgresSyncStateStore).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("postgres.", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n.AsSpan(9, 4), provider: System.Globalization.CultureInfo.InvariantCulture)))
            .Where(m => m.Version > current)
            .OrderBy(m => m.Version);
        foreach (var (name, version) in migrations)
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            await connection.ExecuteAsync(await reader.ReadToEndAsync(cancellationToken), transaction: transaction);
            await connection.ExecuteAsync("insert into retl_schema_version (version) values (@version)", new { version }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The <c>application_name</c> of the session holding <paramref name="sync"/>'s lock, so that an operator can find it
    /// in <c>pg_stat_activity</c> (and end it, should a vanished replica's session be kept open by a proxy).
    /// </summary>
    public static string LockSessionName(string sync)
    {
        var name = $"reverse-etl lock: {sync}";
        return name.Length <= 63 ? name : name[..63]; // PostgreSQL keeps at most 63 bytes; sync names are ASCII
    }

    // A 64-bit key per sync name, the same in every replica and PostgreSQL version (hashtext() may change between versions).
    private static long SyncLock(string sync) =>
        unchecked((long)System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes("reverse-etl sync " + sync)));

    protected override string UpsertRecords => """
        insert into sync_records (sync, key, hash, matched, row_hash, destination_id, updated_at, key_bucket)
        select @sync, u.k, u.h, u.m, u.r, u.d, @now, u.b
        from jsonb_to_recordset(@rows::jsonb) as u(k text, h bigint, m boolean, r bigint, d text, b bigint)
        on conflict (sync, key) do update set hash = excluded.hash, matched = excluded.matched, row_hash = excluded.row_hash,
            destination_id = coalesce(excluded.destination_id, sync_records.destination_id), updated_at = excluded.updated_at,
            key_bucket = excluded.key_bucket
        """;

    protected override string UpsertPending => """
        insert into pending_sends (sync, key, action, hash, run_id, attempted_at)
        select @sync, u.k, u.a, u.h, @runId, u.t::timestamptz
        from jsonb_to_recordset(@rows::jsonb) as u(k text, a text, h bigint, t text)
        on conflict (sync, key) do update set action = excluded.action, hash = excluded.hash, run_id = excluded.run_id,
            attempted_at = excluded.attempted_at
        """;

    protected override string KeysIn => "= any(@keys)";

    protected override object KeyList(IEnumerable<string> keys) => keys.ToArray();

    protected override object Time(DateTimeOffset value) => value.ToUniversalTime();

    protected override DateTimeOffset ReadTime(object value) => value switch
    {
        DateTimeOffset t => t,
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        _ => throw new InvalidOperationException($"A timestamp came back as {value.GetType().Name}."),
    };

    private sealed class AdvisoryLock(NpgsqlConnection connection, long key, string sync, ILogger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (connection)
            {
                try
                {
                    await connection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key });
                }
                catch (NpgsqlException ex) when (connection.State != System.Data.ConnectionState.Open)
                {
                    LogLockSessionEnded(logger, sync, ex.Message); // PostgreSQL released the lock with the session
                }
            }
        }
    }

    [LoggerMessage(4001, LogLevel.Warning, "The session holding sync {Sync}'s lock had ended before the run did ({Reason}); PostgreSQL released the lock with it, so another process may have started the sync meanwhile")]
    private static partial void LogLockSessionEnded(ILogger logger, string sync, string reason);
}
