using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb.Demo;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>Queries a DuckDB file, read-only (read-write with a snapshot schema: see <see cref="ExecuteAsync"/>), one connection per query.</summary>
public sealed partial class DuckDbWarehouse(DuckDbOptions options, TimeProvider? clock = null, ILogger? logger = null) : IWarehouse, IWarehouseDialect
{
    private readonly ILogger log = logger ?? NullLogger.Instance;
    private readonly Lock _demoGate = new();

    // Set when DuckDB opens the file (connections to it in this process share that database and its settings): a sort
    // of the whole model (the diff reads it ordered by key) spills to the temp directory past the memory limit.
    // The file is read-only unless the connection keeps a snapshot in it.
    private readonly string _connectionString = ConnectionString(options);

    /// <summary>The folder this database spills to: its own, under the connection's <c>temp_directory</c> (see <see cref="SpillFolder"/>).</summary>
    public string SpillDirectory => SpillFolder.For(options.TempDirectory, options.Path, AccessMode(options));

    public Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return WithinMemoryAsync(query.Tag, () => OpenAsync(query, cancellationToken), cancellationToken);
    }

    private async Task<IWarehouseResult> OpenAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        EnsureFiles();
        var connection = new DuckDBConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await SetUpAsync(connection, cancellationToken);

            var command = connection.CreateCommand();
            command.CommandText = query.Sql;
            command.UseStreamingMode = true; // rows come as DuckDB makes them, rather than the whole result held first
            var reader = await command.ExecuteReaderAsync(cancellationToken); // a sort or join runs here, before the first row
            return new Result(connection, command, reader, ex => Rejected(query, ex));
        }
        catch (Exception ex)
        {
            // Also on a stop (OperationCanceledException) between the open and the reader: the connection is never left open.
            await connection.DisposeAsync();
            throw ex is DuckDBException rejected ? Rejected(query, rejected) : ex;
        }
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Sql.ZeroRows.DescribeAsync(this, query, cancellationToken);

    /// <summary>
    /// 16 hex digits of DuckDB's <c>hash</c> of the row and of its type (the columns' names and types, which the hash of
    /// the values alone leaves out). That hash takes -0.0 for 0.0, '1 month' for '30 days', a NULL list for [] and [NULL],
    /// a NULL struct for one of NULLs, and [[1],[2]] for [[1,2]], which the payload tells apart, so a row with a float,
    /// double or interval anywhere, or a column holding a list, struct, map or union, keeps the md5 of its JSON (32 digits).
    /// </summary>
    public string RowHash(string rowName, string salt) =>
        $"(case when {HashesLoosely(rowName)} then {Md5(rowName, salt)} else printf('%016x', {Hash(rowName, salt)}) end)";

    private static string Hash(string rowName, string salt) => $"hash({rowName}, typeof({rowName}), {Sql.StandardLiterals.Of(salt)})";

    private static string Md5(string rowName, string salt) => $"md5({Sql.StandardLiterals.Of(salt)} || cast(to_json({rowName}) as varchar))";

    // typeof is one text per statement, the row's own 'STRUCT(' first (a nested one follows a space); a column merely
    // named so only costs the md5.
    private static string HashesLoosely(string rowName) => $@"regexp_matches(typeof({rowName}), 'FLOAT|DOUBLE|INTERVAL|\[|.STRUCT\(|MAP\(|UNION\(')";

    public string Literal(object? value) => Sql.StandardLiterals.Of(value);

    public string KeyText(string column) => $"cast({column} as varchar)";

    public bool InProcess => true;

    private static string AccessMode(DuckDbOptions options) => options.SnapshotSchema is null ? "READ_ONLY" : "AUTOMATIC";

    private static string ConnectionString(DuckDbOptions options) => new DbConnectionStringBuilder
    {
        ["Data Source"] = options.Path,
        ["ACCESS_MODE"] = AccessMode(options),
        ["memory_limit"] = options.StartingMemoryLimit,
        ["threads"] = options.Threads.ToString(CultureInfo.InvariantCulture),
        ["temp_directory"] = SpillFolder.For(options.TempDirectory, options.Path, AccessMode(options)),
    }.ConnectionString;

    private WarehouseException Rejected(WarehouseQuery query, DuckDBException ex)
    {
        var (line, column) = Sql.ErrorPosition.FromDuckDb(ex.Message);
        return new WarehouseException($"DuckDB ({Path.GetFileName(options.Path)}) rejected the query for {query.Tag}: {ex.Message}{Hint(ex)}", ex) { Line = line, Column = column, OutOfResources = OutOfMemory(ex) };
    }

    private string Hint(DuckDBException ex) => !OutOfMemory(ex) ? string.Empty
        : options.MemoryLimit is not null ? $" (the connection's memory_limit is {options.MemoryLimit} with {options.Threads} thread(s): raise memory_limit, or lower threads)"
        : $" (the connection sets no memory_limit, and the default, {MemoryLimit}{(Raised ? $", raised once from {options.StartingMemoryLimit}," : string.Empty)} for {options.Threads} thread(s), is not enough: set memory_limit on the connection, e.g. 512MB)";

    // The demo file on first use, and the configured temp_directory (see SpillFolder.Prepare).
    private void EnsureFiles()
    {
        try
        {
            SpillFolder.Prepare(options.TempDirectory, (clock ?? TimeProvider.System).GetUtcNow());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WarehouseException($"DuckDB ({Path.GetFileName(options.Path)}) cannot spill into temp_directory '{options.TempDirectory}': {ex.Message} (set temp_directory to a writable folder)", ex);
        }

        if (!options.Demo || File.Exists(options.Path))
        {
            return;
        }

        lock (_demoGate)
        {
            if (!File.Exists(options.Path))
            {
                DemoWarehouse.Generate(options.Path);
            }
        }
    }

    /// <summary>A streamed result; an error while reading (e.g. out of memory in a sort) becomes a <see cref="WarehouseException"/>.</summary>
    private sealed class Result(DuckDBConnection connection, DbCommand command, DbDataReader reader, Func<DuckDBException, WarehouseException> rejected) : IWarehouseResult
    {
        public IReadOnlyList<WarehouseColumn> Columns { get; } = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new WarehouseColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();

        public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var readers = Enumerable.Range(0, reader.FieldCount).Select(i => DuckDbValues.ReaderFor(reader.GetFieldType(i))).ToArray();
            while (await ReadAsync(cancellationToken))
            {
                var values = new object?[readers.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : Read(readers[i], i);
                }

                yield return values;
            }
        }

        // A value DuckDB.NET cannot turn into .NET (a list holding NULL inside a struct, an interval of months inside one)
        // names its column, not a row's values.
        private object? Read(Func<DbDataReader, int, object?> read, int column)
        {
            try
            {
                return read(reader, column);
            }
            catch (Exception ex) when (ex is InvalidCastException or ArgumentOutOfRangeException)
            {
                var (name, type) = (Columns[column].Name, Columns[column].DataType);
                throw new WarehouseException(
                    $"DuckDB returned a value of column '{name}' ({type}) that cannot be read: {ex.Message}. Convert the column in the model, e.g. to_json({name})", ex);
            }
        }

        // DuckDB.NET reads synchronously (its ReadAsync is DbDataReader's, which calls Read): read so, with no task per row.
        private ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return ValueTask.FromResult(reader.Read());
            }
            catch (DuckDBException ex)
            {
                throw rejected(ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            await command.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
