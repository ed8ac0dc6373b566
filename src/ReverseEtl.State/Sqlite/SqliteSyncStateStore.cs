using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

/// <summary>The sync state in a SQLite file (the default for a single worker): WAL journal, timestamps as ISO 8601 text.</summary>
public sealed class SqliteSyncStateStore(string databasePath, TimeProvider time) : SqlSyncStateStore(time)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private bool _folderReady;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_folderReady)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
            _folderReady = true;
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override async Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("pragma journal_mode = wal");
        await SqliteMigrator.MigrateAsync((SqliteConnection)connection, cancellationToken);
    }

    protected override object Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    protected override DateTimeOffset ReadTime(object value) =>
        DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
