namespace ReverseEtl.Abstractions;

/// <summary>
/// Writes to the one schema a warehouse connection was given for the worker's own tables (<c>snapshot: { schema }</c>):
/// the in-warehouse snapshot that lets <c>diff: warehouse</c> be one statement in the warehouse. A warehouse without
/// that setting is only read.
/// </summary>
/// <remarks>
/// Thread-safe, like <see cref="IWarehouse"/>: each call opens its own session. <see cref="ExecuteAsync"/> runs its
/// statements in order, inside one transaction where the warehouse has them over its API (DuckDB, PostgreSQL); the
/// Snowflake SQL API runs them one request each, so a failure can leave the first ones done. A statement the warehouse
/// rejects throws <see cref="WarehouseException"/> naming the tag and the warehouse's message.
/// </remarks>
public interface IWarehouseWriter
{
    /// <summary>The schema the worker may create and change its tables in; null when the connection has none.</summary>
    string? SnapshotSchema { get; }

    /// <summary>Runs <paramref name="statements"/> (no result is read), in order.</summary>
    Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken);
}

/// <summary>
/// A <see cref="IWarehouseWriter"/> that loads many rows at once, faster than statements of literals (DuckDB's appender):
/// in one transaction it creates the temporary table <see cref="StagedRows.Create"/>, appends the rows to it in its
/// column order, runs the statements that read it, and drops it.
/// </summary>
public interface IWarehouseBulkWriter : IWarehouseWriter
{
    Task LoadAsync(StagedRows stage, IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken);
}

/// <summary>Rows for <see cref="IWarehouseBulkWriter.LoadAsync"/>: values are text, booleans, whole numbers or null.</summary>
/// <param name="Table">The temporary table's name, unqualified.</param>
/// <param name="Create">The statement that creates it (<c>create temp table …</c>).</param>
/// <param name="Rows">
/// The rows, each with one value per column of the table, in its order; they may be read twice (a load that ran out of
/// memory runs again once the warehouse's limit is raised), so a list or a query over one, not a one-time stream.
/// </param>
public sealed record StagedRows(string Table, string Create, IEnumerable<object?[]> Rows);
