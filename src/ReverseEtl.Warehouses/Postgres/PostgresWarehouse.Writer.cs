using Npgsql;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Postgres;

/// <summary>Writes for the in-warehouse snapshot, in one read-write transaction; reads stay in read-only ones.</summary>
public sealed partial class PostgresWarehouse : IWarehouseWriter
{
    public string? SnapshotSchema => options.SnapshotSchema;

    public async Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in statements)
            {
                await using var command = new NpgsqlCommand(statement, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or PostgresException)
        {
            throw new WarehouseException($"PostgreSQL ({options.Describe()}) rejected a snapshot write for {tag}: {ex.Message}", ex);
        }
    }
}
