using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Postgres;

/// <summary>
/// Queries PostgreSQL through Npgsql, one pooled connection per query, in a read-only transaction, streaming rows as
/// they arrive. The query's tag is set as <c>application_name</c>, so that it shows in <c>pg_stat_activity</c>.
/// </summary>
public sealed partial class PostgresWarehouse(PostgresOptions options) : IWarehouse, IWarehouseDialect, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();

    // The server's encoding as its first connection reported it: 0 not yet known, 1 UTF8, 2 another (SortableKey).
    private int _encoding;

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _source.OpenConnectionAsync(cancellationToken);
            Learn(connection);
            await using (var setup = new NpgsqlCommand("select set_config('application_name', @tag, false)", connection))
            {
                setup.Parameters.AddWithValue("tag", query.Tag);
                await setup.ExecuteNonQueryAsync(cancellationToken);
            }

            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
            await using (var readOnly = new NpgsqlCommand("set transaction read only", connection, transaction))
            {
                await readOnly.ExecuteNonQueryAsync(cancellationToken);
            }

            var command = new NpgsqlCommand(query.Sql, connection, transaction);
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            return new Result(connection, transaction, command, reader);
        }
        catch (Exception ex)
        {
            // Also on a stop (OperationCanceledException) before the reader: the connection goes back to the pool.
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            if (ex is not NpgsqlException npgsql)
            {
                throw;
            }

            throw Rejected(npgsql, query);
        }
    }

    /// <summary>Asks the server's encoding once (from a pooled connection's start, no statement), for <see cref="SortableKey"/>.</summary>
    public async Task PrepareAsync(string tag, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _encoding) != 0)
        {
            return;
        }

        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken);
            Learn(connection);
        }
        catch (NpgsqlException ex)
        {
            throw Rejected(ex, new WarehouseQuery(string.Empty, tag));
        }
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Sql.ZeroRows.DescribeAsync(this, query, cancellationToken);

    public string RowHash(string rowName, string salt) => $"md5({Literal(salt)} || cast(row_to_json({rowName}) as text))";

    public string Literal(object? value) => Sql.StandardLiterals.Of(value);

    public string KeyText(string column) => $"(cast({column} as text) collate \"C\")";

    /// <summary>
    /// The key's UTF-8 bytes, since a database in another encoding (WIN1252, LATIN2) sorts text by its own bytes; the text
    /// itself once the server reported UTF8 (<see cref="PrepareAsync"/>), so that an index on the key (<c>collate "C"</c>)
    /// can give the order: a 1M-row plan read in key order took 2.1–2.8 s with such an index, 3.2–3.7 s through <c>convert_to</c>.
    /// </summary>
    public string SortableKey(string keyText) => Volatile.Read(ref _encoding) == 1 ? keyText : $"convert_to({keyText}, 'UTF8')";

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private void Learn(NpgsqlConnection connection)
    {
        if (Volatile.Read(ref _encoding) == 0)
        {
            Volatile.Write(ref _encoding, connection.PostgresParameters.GetValueOrDefault("server_encoding") == "UTF8" ? 1 : 2);
        }
    }

    private WarehouseException Rejected(NpgsqlException ex, WarehouseQuery query)
    {
        var (line, column) = ex is PostgresException { Position: > 0 } pg ? Sql.ErrorPosition.FromOffset(query.Sql, pg.Position) : (null, null);
        return new WarehouseException($"PostgreSQL ({options.Describe()}) rejected the query for {query.Tag}: {ex.Message}", ex)
        {
            Line = line,
            Column = column,
            OutOfResources = WarehouseException.IsResourceState((ex as PostgresException)?.SqlState),
        };
    }

    private sealed class Result(NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlCommand command, NpgsqlDataReader reader) : IWarehouseResult
    {
        public IReadOnlyList<WarehouseColumn> Columns { get; } = Enumerable.Range(0, reader.FieldCount)
            .Select(i => new WarehouseColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();

        public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // Each column's reader once: Npgsql looks a type up by its id on each call.
            var readers = Columns.Select(c => PostgresValues.ReaderFor(c.DataType)).ToArray();
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[readers.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : Read(readers[i], i);
                }

                yield return values;
            }
        }

        // A value Npgsql cannot turn into .NET (an array of arrays holding NULL) names its column, not a row's values.
        private object? Read(Func<NpgsqlDataReader, int, object?> read, int column)
        {
            try
            {
                return read(reader, column);
            }
            catch (Exception ex) when (ex is InvalidCastException or InvalidOperationException or ArgumentOutOfRangeException)
            {
                var (name, type) = (Columns[column].Name, Columns[column].DataType);
                throw new WarehouseException(
                    $"PostgreSQL returned a value of column '{name}' ({type}) that cannot be read: {ex.Message}. Convert the column in the model, e.g. to_json({name})", ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            await command.DisposeAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}

/// <summary>Maps Npgsql's CLR values to the value set of the warehouse boundary.</summary>
internal static partial class PostgresValues
{
    /// <summary>
    /// How to read a column: an interval by its parts (a TimeSpan holds no months); an array of numbers, booleans or
    /// dates with nullable items (Npgsql throws on a NULL item of an <c>int[]</c>); the rest as Npgsql gives it. Nulls are the caller's.
    /// </summary>
    public static Func<NpgsqlDataReader, int, object?> ReaderFor(string dataType) => Modifiers().Replace(dataType, string.Empty) switch
    {
        "interval" => static (r, i) => Interval(r.GetFieldValue<NpgsqlTypes.NpgsqlInterval>(i)),
        "interval[]" => static (r, i) => Normalize(r.GetFieldValue<NpgsqlTypes.NpgsqlInterval?[]>(i), string.Empty),
        [.. var item, '[', ']'] when ValueItems.TryGetValue(item, out var type) =>
            typeof(PostgresValues).GetMethod(nameof(ReadItems), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type).CreateDelegate<Func<NpgsqlDataReader, int, object?>>(),
        _ => (r, i) => Normalize(r.GetValue(i), dataType),
    };

    // The items Npgsql reads as value types, by the array's type name (an array of text or json holds NULLs as it is).
    private static readonly Dictionary<string, Type> ValueItems = new(StringComparer.Ordinal)
    {
        ["smallint"] = typeof(short), ["integer"] = typeof(int), ["bigint"] = typeof(long), ["real"] = typeof(float),
        ["double precision"] = typeof(double), ["numeric"] = typeof(decimal), ["boolean"] = typeof(bool), ["date"] = typeof(DateOnly),
        ["timestamp without time zone"] = typeof(DateTime), ["timestamp with time zone"] = typeof(DateTime), ["uuid"] = typeof(Guid),
    };

    private static object? ReadItems<T>(NpgsqlDataReader reader, int ordinal)
        where T : struct => Normalize(reader.GetFieldValue<T?[]>(ordinal), string.Empty);

    // As before (Npgsql's TimeSpan of days and time, as a time of day) where it fits one, which is what a stored payload
    // holds; else as an interval's text.
    private static object Interval(NpgsqlTypes.NpgsqlInterval value) =>
        value.Months == 0 && (decimal)value.Days * 86_400_000_000L + value.Time is var micros && micros >= 0 && micros < TimeSpan.TicksPerDay / 10
            ? TimeOnly.FromTimeSpan(TimeSpan.FromTicks((long)micros * 10))
            : Sql.Intervals.Text(value.Months, value.Days, value.Time);

    // A type's modifiers: numeric(10, 2)[] reads as numeric[], timestamp(3) without time zone as timestamp without time zone.
    [System.Text.RegularExpressions.GeneratedRegex(@"\(\d+(, ?\d+)?\)")]
    private static partial System.Text.RegularExpressions.Regex Modifiers();

    public static object? Normalize(object? value, string dataType) => value switch
    {
        null or DBNull => null,
        string s when dataType is "json" or "jsonb" => Sql.JsonValues.Parse(s),
        string or bool or long or decimal or double or DateOnly or TimeOnly => value,
        int or short => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float f => (double)f,
        DateTime t when dataType == "date" => DateOnly.FromDateTime(t), // Npgsql reads a date as a DateTime; DuckDB and Snowflake give a day
        DateTime t => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t => t.UtcDateTime,
        TimeSpan t => TimeOnly.FromTimeSpan(t),
        NpgsqlTypes.NpgsqlInterval interval => Interval(interval),
        Guid g => g.ToString(),
        byte[] bytes => Convert.ToBase64String(bytes),
        IEnumerable list => list.Cast<object?>().Select(v => Normalize(v, string.Empty)).ToList(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
