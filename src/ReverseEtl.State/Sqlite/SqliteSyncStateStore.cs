using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReverseEtl.State.Sqlite;

/// <summary>The sync state in a SQLite file (the default for a single worker): WAL journal, timestamps as ISO 8601 text.</summary>
public sealed partial class SqliteSyncStateStore(string databasePath, TimeProvider time, ILogger? logger = null) : SqlSyncStateStore(time)
{
    protected override ILogger Logger { get; } = logger ?? NullLogger.Instance;

    /// <summary>The database file, as a full path.</summary>
    public string DatabasePath { get; } = Path.GetFullPath(databasePath);

    /// <summary>Whether the database file exists: before the first <see cref="SqlSyncStateStore.InitializeAsync"/>, there is no state yet.</summary>
    public bool Exists => File.Exists(DatabasePath);

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private bool _folderReady;
    private readonly Lock _writers = new();
    private Task _lastWriter = Task.CompletedTask;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_folderReady)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
            _folderReady = true;
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);

        // SQLite has no md5: the statements that write a record, and those that fill the buckets of older records, call this one.
        connection.CreateFunction("retl_key_bucket", (string key) => KeyBucket(key), isDeterministic: true);
        return connection;
    }

    // One writer at a time in this process: SQLite lets one write at a time anyway, and a connection that meets another
    // one's write lock sleeps and tries again (Microsoft.Data.Sqlite), which a run writing from two sides met at every batch.
    // Each writer waits for the one before it (in the order they asked); a turn is short, so it is not cancelled.
    protected override async ValueTask<IDisposable?> WriteTurnAsync(CancellationToken cancellationToken)
    {
        var turn = new WriterTurn();
        Task before;
        lock (_writers)
        {
            (before, _lastWriter) = (_lastWriter, turn.Done);
        }

        await before;
        return turn;
    }

    /// <summary>
    /// An exclusive lock on a file beside the database (<c>locks/SYNC.lock</c>), held open for the run; the operating
    /// system releases it when the process dies. Processes sharing the data folder on one machine see each other's locks.
    /// </summary>
    public override Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken)
    {
        var file = LockFile(sync);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            return Task.FromResult<IAsyncDisposable?>(new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (HeldElsewhere(ex))
        {
            return Task.FromResult<IAsyncDisposable?>(null);
        }
    }

    /// <summary>A shared lock on the file, let go at once: refused while a run holds its exclusive one.</summary>
    protected override Task<bool> IsLockHeldAsync(string sync, CancellationToken cancellationToken)
    {
        try
        {
            using var probe = new FileStream(LockFile(sync), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return Task.FromResult(false);
        }
        catch (IOException ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(false);
        }
        catch (IOException ex) when (HeldElsewhere(ex))
        {
            return Task.FromResult(true);
        }
    }

    private string LockFile(string sync)
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, "locks");
        var file = Path.GetFullPath(Path.Combine(folder, sync + ".lock"));
        if (sync.Length == 0 || sync.IndexOfAny(['/', '\\', ':']) >= 0 || Path.GetDirectoryName(file) != folder)
        {
            // The definitions allow only safe names; this keeps any other caller's name from reaching outside the folder.
            throw new ArgumentException($"The sync name '{sync}' cannot name a lock file under {folder}; use letters, digits, '-' and '_'.", nameof(sync));
        }

        return file;
    }

    // The file is locked by another process: EWOULDBLOCK from flock on Linux (11) and macOS (35), a sharing or lock
    // violation on Windows. Any other error (a full disk, no permission) is not "running elsewhere" and is thrown.
    private static bool HeldElsewhere(IOException ex) =>
        ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);

    protected override async Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("pragma journal_mode = wal");
        await SqliteMigrator.MigrateAsync((SqliteConnection)connection, cancellationToken);
    }

    protected override string UpsertPending => """
        insert into pending_sends (sync, key, action, hash, run_id, attempted_at)
        select @sync, value ->> 'k', value ->> 'a', value ->> 'h', @runId, value ->> 't'
        from json_each(@rows) where true
        on conflict (sync, key) do update set action = excluded.action, hash = excluded.hash, run_id = excluded.run_id,
            attempted_at = excluded.attempted_at
        """;

    protected override string TimeText(DateTimeOffset value) => (string)Time(value);

    protected override string KeysIn => "in (select value from json_each(@keys))";

    // SQLite's planner picks the primary key over the partial index of records without a bucket (no statistics), which
    // scans the whole sync on every fill; named, the index is used or the query fails, so a test running it pins it.
    protected override string UnfilledRecords => "sync_records indexed by sync_records_no_bucket";

    protected override object Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(object value) =>
        DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private sealed class WriterTurn : IDisposable
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Done => _done.Task;

        public void Dispose() => _done.TrySetResult();
    }
}
