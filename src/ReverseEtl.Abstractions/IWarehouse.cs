namespace ReverseEtl.Abstractions;

/// <summary>Reads the rows of a model from a warehouse.</summary>
/// <remarks>
/// Implementations are thread-safe: one instance serves every sync that uses its connection, and each call to
/// <see cref="QueryAsync"/> opens its own session. Rows stream: nothing is buffered beyond what the driver buffers.
/// Column values are normalised to <see langword="null"/>, <see cref="string"/>, <see cref="long"/>, <see cref="decimal"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="DateTime"/> (UTC), <see cref="DateOnly"/>, <see cref="TimeOnly"/>,
/// <see cref="IReadOnlyList{T}"/> of values, or <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to value.
/// A query that the warehouse rejects throws <see cref="WarehouseException"/> with the warehouse's message.
/// </remarks>
public interface IWarehouse
{
    /// <summary>Runs <paramref name="query"/> and returns its result, whose rows are read as they arrive.</summary>
    Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The columns <paramref name="query"/> returns, reading no row: the warehouse compiles and runs it wrapped so that
    /// it returns nothing (e.g. <c>select * from (query) where 1 = 0</c>), which checks its SQL and every expression in
    /// it. A rejection throws <see cref="WarehouseException"/> whose <see cref="WarehouseException.Line"/> counts in
    /// <paramref name="query"/> as given, not in the wrapper.
    /// </summary>
    Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken);
}

/// <summary>A query to run.</summary>
/// <param name="Sql">The statement, in the warehouse's dialect.</param>
/// <param name="Tag">Names the work (e.g. the sync) in the warehouse's own query history where it has one.</param>
public sealed record WarehouseQuery(string Sql, string Tag);

/// <summary>The streamed result of a query. Dispose it to release the session.</summary>
public interface IWarehouseResult : IAsyncDisposable
{
    /// <summary>The result's columns, in order.</summary>
    IReadOnlyList<WarehouseColumn> Columns { get; }

    /// <summary>Reads the rows; each array has one value per column. Enumerate once.</summary>
    IAsyncEnumerable<object?[]> ReadRowsAsync(CancellationToken cancellationToken);
}

/// <summary>A result column.</summary>
/// <param name="Name">The name as the warehouse reports it.</param>
/// <param name="DataType">The warehouse's type name, for messages.</param>
public sealed record WarehouseColumn(string Name, string DataType);

/// <summary>Creates warehouses of one type from connection settings. Registered as a keyed service under <see cref="Type"/>.</summary>
public interface IWarehouseConnector
{
    /// <summary>The connection type this connector serves.</summary>
    string Type { get; }

    /// <summary>Checks a connection's settings beyond their schema; returns every problem.</summary>
    IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection);

    /// <summary>Creates the warehouse for <paramref name="connection"/>; does not connect yet.</summary>
    IWarehouse Create(ConnectionSettings connection);
}

/// <summary>The warehouse rejected a query or could not be reached.</summary>
public sealed class WarehouseException : Exception
{
    public WarehouseException() { }

    public WarehouseException(string message) : base(message) { }

    public WarehouseException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The line (from 1) of the statement where the warehouse placed the error, when it says.</summary>
    public int? Line { get; init; }

    /// <summary>The column (from 1) of that line, when the warehouse says.</summary>
    public int? Column { get; init; }

    /// <summary>
    /// The warehouse ran out of memory or hit a limit of its own running the statement (DuckDB's out-of-memory error,
    /// SQLSTATE class 53 or 54): the same data asked for with less work at once may pass, where an error in the query
    /// or the data would fail again.
    /// </summary>
    public bool OutOfResources { get; init; }

    /// <summary>
    /// Whether an SQLSTATE (five characters) is of class 53 (insufficient resources: memory, disk) or 54 (program limit
    /// exceeded), but not 53300 (too many connections: another statement would meet it as well).
    /// </summary>
    public static bool IsResourceState(string? sqlState) => sqlState is ['5', '3' or '4', _, _, _] and not "53300";
}

/// <summary>
/// What a warehouse offers for a diff computed in the warehouse (<c>diff: warehouse</c>): a hash of a whole row, and
/// literals to fetch rows by key. A warehouse without it diffs in the worker only.
/// </summary>
public interface IWarehouseDialect
{
    /// <summary>
    /// An SQL expression hashing every column of the row named <paramref name="rowName"/> together with
    /// <paramref name="salt"/> (lowercase hex digits: the sync's payload definition, so that the same row under other
    /// fields hashes differently), as hex text (e.g. md5 of the salt and the row's JSON).
    /// </summary>
    string RowHash(string rowName, string salt);

    /// <summary>An SQL literal of a key value as the warehouse returned it (text, whole number, decimal, date, timestamp, boolean).</summary>
    string Literal(object? value);

    /// <summary>
    /// Whether the warehouse runs in this process (DuckDB), so that reading every key of a model costs about what one
    /// scan of it in a query does; a remote one (PostgreSQL, Snowflake) would send every key over the network instead.
    /// </summary>
    bool InProcess => false;

    /// <summary>
    /// An SQL expression of one key column's value as text that sorts, with <c>order by</c>, in
    /// <see cref="State.KeyOrder"/> (by code point, binary collation): for text, whole-number and date values it is the
    /// key's text in the sync state, so model rows can be merged with the state as both stream, and bucketed alike.
    /// </summary>
    string KeyText(string column);

    /// <summary>
    /// An SQL expression of <paramref name="keyText"/> (a <see cref="KeyText"/>) that sorts and compares (<c>order by</c>,
    /// <c>&lt;</c>, <c>=</c>) in <see cref="State.KeyOrder"/> whatever the database's encoding: the text itself where its
    /// binary collation already does (UTF-8 text). PostgreSQL compares a WIN1252 or LATIN2 text by those bytes instead.
    /// </summary>
    string SortableKey(string keyText) => keyText;

    /// <summary>
    /// Learns, once, what this dialect's SQL depends on, before a read's statements are built (PostgreSQL: the server's
    /// encoding, for <see cref="SortableKey"/>); statements built before are as right, only perhaps slower. A failure
    /// to reach the warehouse is a <see cref="WarehouseException"/> naming <paramref name="tag"/>, as a query's.
    /// </summary>
    Task PrepareAsync(string tag, CancellationToken cancellationToken) => Task.CompletedTask;
}
