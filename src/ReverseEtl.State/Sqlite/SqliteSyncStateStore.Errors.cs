using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

// What a failure to open the state file means for the person who runs the worker.
public sealed partial class SqliteSyncStateStore
{
    // SQLite's result codes (https://sqlite.org/rescode.html).
    private const int Corrupt = 11, NotADatabase = 26;
    private const int Permission = 3, ReadOnly = 8, IoError = 10, CannotOpen = 14;

    protected override string? Explain(Exception exception)
    {
        var folder = Path.GetDirectoryName(DatabasePath)!;
        return exception switch
        {
            SqliteException { SqliteErrorCode: Corrupt or NotADatabase } ex =>
                $"The state file {DatabasePath} is damaged or is not a SQLite database ({ex.Message}); it was left as it is. " +
                $"Move it aside (mv {DatabasePath} {DatabasePath}.broken) to start from empty state, which sends every record again, or restore it from a backup.",
            SqliteException { SqliteErrorCode: Permission or ReadOnly or IoError or CannotOpen } ex =>
                $"Cannot open the state file {DatabasePath} for writing ({ex.Message}): the folder {folder} and the file must be writable by this process. " +
                "Fix their permissions, or point RETL_DATA_DIR at a writable folder.",
            SqliteException ex =>
                $"The state file {DatabasePath} could not be opened or brought up to date ({ex.Message}); it was left as it is. " +
                "If it is not this worker's state, move it aside or point RETL_DATA_DIR at another folder.",
            IOException or UnauthorizedAccessException =>
                $"Cannot create the data folder {folder} ({exception.Message}). Point RETL_DATA_DIR at a writable folder.",
            _ => null,
        };
    }
}
