using DuckDB.NET.Data;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Writes for the in-warehouse snapshot. Only a connection with <c>snapshot: { schema }</c> opens its file read-write
/// (for every query, since one process cannot hold a file both ways); without it, every connection stays read-only
/// and nothing here runs.
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouseWriter
{
    public string? SnapshotSchema => options.SnapshotSchema;

    public async Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        if (options.SnapshotSchema is null)
        {
            throw new InvalidOperationException($"DuckDB ({Path.GetFileName(options.Path)}) is read-only for {tag}: its connection has no 'snapshot: {{ schema }}'");
        }

        EnsureFiles();
        await using var connection = new DuckDBConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in statements)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = statement;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"DuckDB ({Path.GetFileName(options.Path)}) rejected a snapshot write for {tag}: {ex.Message}", ex);
        }
    }
}
