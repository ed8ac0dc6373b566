using Microsoft.Data.Sqlite;

namespace ReverseEtl.State.Sqlite;

// Reads stepped through SQLitePCLRaw (the bucket sums, the whole state) start their read through Microsoft.Data.Sqlite.
public sealed partial class SqliteSyncStateStore
{
    /// <summary>
    /// A connection in a read transaction whose snapshot is already taken. The first read goes through
    /// Microsoft.Data.Sqlite's reader, which waits while another connection or process holds the database (up to
    /// <c>DefaultTimeout</c>, as every other statement of this store); a raw <c>sqlite3_step</c> would fail at once
    /// with "database is locked". The raw statements then stepped in this transaction read that snapshot and take no
    /// further lock.
    /// </summary>
    private async Task<ReadScope> BeginReadAsync(CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)await OpenAsync(cancellationToken);
        SqliteTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction(deferred: true);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "select 1 from sync_records limit 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return new ReadScope(connection, transaction);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The read's connection and transaction: the transaction ends (its snapshot let go) before the connection goes back to the pool.</summary>
    private sealed record ReadScope(SqliteConnection Connection, SqliteTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
