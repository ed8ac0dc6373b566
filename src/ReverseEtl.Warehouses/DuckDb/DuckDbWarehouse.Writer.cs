using DuckDB.NET.Data;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Writes for the in-warehouse snapshot. Only a connection with <c>snapshot: { schema }</c> opens its file read-write
/// (for every query, since one process cannot hold a file both ways); without it, every connection stays read-only
/// and nothing here runs. Many rows go through DuckDB's appender into a temporary table (<see cref="LoadAsync"/>).
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouseBulkWriter
{
    public string? SnapshotSchema => options.SnapshotSchema;

    public Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return InTransactionAsync(tag, connection => RunAsync(connection, statements, cancellationToken), cancellationToken);
    }

    public Task LoadAsync(StagedRows stage, IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(statements);
        return InTransactionAsync(tag, async connection =>
        {
            await RunAsync(connection, [stage.Create], cancellationToken);
            Append(connection, stage);
            await RunAsync(connection, [.. statements, $"drop table temp.main.{stage.Table}"], cancellationToken);
        }, cancellationToken);
    }

    // A transaction that ran out of memory was rolled back: it runs again whole when the default limit is raised.
    private async Task InTransactionAsync(string tag, Func<DuckDBConnection, Task> work, CancellationToken cancellationToken)
    {
        if (options.SnapshotSchema is null)
        {
            throw new InvalidOperationException($"DuckDB ({Path.GetFileName(options.Path)}) is read-only for {tag}: its connection has no 'snapshot: {{ schema }}'");
        }

        await WithinMemoryAsync(tag, async () =>
        {
            await TransactionAsync(tag, work, cancellationToken);
            return true;
        }, cancellationToken);
    }

    private async Task TransactionAsync(string tag, Func<DuckDBConnection, Task> work, CancellationToken cancellationToken)
    {
        EnsureFiles();
        await using var connection = new DuckDBConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await SetUpAsync(connection, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await work(connection);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"DuckDB ({Path.GetFileName(options.Path)}) rejected a snapshot write for {tag}: {ex.Message}{Hint(ex)}", ex) { OutOfResources = OutOfMemory(ex) };
        }
    }

    private static async Task RunAsync(DuckDBConnection connection, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Append(DuckDBConnection connection, StagedRows stage)
    {
        using var appender = connection.CreateAppender("temp", "main", stage.Table);
        foreach (var values in stage.Rows)
        {
            var row = appender.CreateRow();
            foreach (var value in values)
            {
                row = value switch
                {
                    null => row.AppendNullValue(),
                    string text => row.AppendValue(text),
                    bool flag => row.AppendValue(flag),
                    long number => row.AppendValue(number),
                    _ => throw new ArgumentException($"a staged value of type {value.GetType().Name} cannot be appended (text, boolean or whole number only)", nameof(stage)),
                };
            }

            row.EndRow();
        }
    }
}
