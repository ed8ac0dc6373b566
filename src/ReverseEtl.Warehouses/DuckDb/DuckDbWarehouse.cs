using System.Data.Common;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.DuckDb.Demo;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>Queries a DuckDB file, read-only, one connection per query.</summary>
public sealed partial class DuckDbWarehouse(DuckDbOptions options) : IWarehouse, IWarehouseDialect
{
    private readonly Lock _demoGate = new();

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        EnsureDemo();
        var connection = new DuckDBConnection($"Data Source={options.Path};ACCESS_MODE=READ_ONLY");
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using (var search = connection.CreateCommand())
            {
                search.CommandText = $"set file_search_path = '{options.FileSearchPath.Replace("'", "''", StringComparison.Ordinal)}'";
                await search.ExecuteNonQueryAsync(cancellationToken);
            }

            var command = connection.CreateCommand();
            command.CommandText = query.Sql;
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            return new Result(connection, command, reader);
        }
        catch (DuckDBException ex)
        {
            await connection.DisposeAsync();
            var (line, column) = Sql.ErrorPosition.FromDuckDb(ex.Message);
            throw new WarehouseException($"DuckDB ({Path.GetFileName(options.Path)}) rejected the query for {query.Tag}: {ex.Message}", ex) { Line = line, Column = column };
        }
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Sql.ZeroRows.DescribeAsync(this, query, cancellationToken);

    public string RowHash(string rowName) => $"md5(cast(to_json({rowName}) as varchar))";

    public string Literal(object? value) => Sql.StandardLiterals.Of(value);

    public string KeyText(string column) => $"cast({column} as varchar)";

    private void EnsureDemo()
    {
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

    private sealed class Result(DuckDBConnection connection, DbCommand command, DbDataReader reader) : IWarehouseResult
    {
        public IReadOnlyList<WarehouseColumn> Columns { get; } = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new WarehouseColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();

        public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[reader.FieldCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : DuckDbValues.Normalize(reader.GetValue(i));
                }

                yield return values;
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
