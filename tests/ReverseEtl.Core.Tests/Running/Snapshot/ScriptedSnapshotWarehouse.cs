using System.Globalization;
using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Tests.Running.Snapshot;

/// <summary>
/// A warehouse keeping a snapshot, answering by statement: the snapshot's check (<see cref="Check"/>), no duplicated
/// keys, and the diff (<see cref="DiffRows"/>, or <see cref="DiffFailure"/>); and, for a diff without the snapshot, the
/// key rows and fetches of <see cref="ModelRows"/>. It notes, in order, each statement executed and each diff opened
/// and closed, and rows read from it.
/// </summary>
internal sealed class ScriptedSnapshotWarehouse : IWarehouse, IWarehouseConnector, IWarehouseDialect, IWarehouseWriter
{
    public static readonly WarehouseColumn[] DiffColumns =
    [
        new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.RowHashColumn, "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN"),
        new(SnapshotSql.KeyColumn, "VARCHAR"), new(SnapshotSql.Gone, "VARCHAR"), new(SnapshotSql.ModelRows, "BIGINT"),
    ];

    private readonly List<string> _events = [];

    /// <summary>The snapshot's key count and check sum.</summary>
    public (long Count, string Sum) Check { get; set; } = (0, "0");

    public List<object?[]> DiffRows { get; } = [];

    /// <summary>The model's rows (id, name, row hash, match), in key order, as read without the snapshot.</summary>
    public List<object?[]> ModelRows { get; } = [];

    public Exception? DiffFailure { get; set; }

    /// <summary>Whether <see cref="DiffFailure"/> fails only the first diff opened.</summary>
    public bool FailOnce { get; set; }

    public List<string> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public string Type => "duckdb";

    public string? SnapshotSchema => "retl_state";

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => [];

    public IWarehouse Create(ConnectionSettings connection) => this;

    public string RowHash(string rowName, string salt) => $"row_hash({rowName}, salt_{salt})";

    public string Literal(object? value) => value is null ? "null" : $"'{Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'";

    public string KeyText(string column) => $"cast({column} as varchar)";

    public Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            Note($"execute {statement.Split(' ', 2)[0]}");
        }

        return Task.CompletedTask;
    }

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (query.Sql.Contains("retl_count__", StringComparison.Ordinal))
        {
            return new Result(this, "check", [new("retl_count__", "BIGINT"), new("retl_sum__", "VARCHAR")], [[Check.Count, Check.Sum]]);
        }

        if (query.Sql.Contains("having count(*) > 1", StringComparison.Ordinal) && !query.Sql.Contains("full outer join", StringComparison.Ordinal))
        {
            return new Result(this, "duplicates", [new(SnapshotSql.KeyColumn, "VARCHAR")], []);
        }

        if (!query.Sql.Contains("full outer join", StringComparison.Ordinal))
        {
            return WithoutSnapshot(query.Sql);
        }

        Note("diff opened");
        if (DiffFailure is { } failure)
        {
            DiffFailure = FailOnce ? null : failure;
            throw failure;
        }

        return new Result(this, "diff", DiffColumns, DiffRows);
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WarehouseColumn>>(DiffColumns[..2]);

    // A key rows' query (id, row hash, match), or a fetch of the keys it lists, of ModelRows.
    private Result WithoutSnapshot(string sql)
    {
        if (!sql.Contains(") in ((", StringComparison.Ordinal))
        {
            Note("key rows read");
            return new Result(this, "key", [DiffColumns[0], DiffColumns[2], DiffColumns[3]], ModelRows.Select(r => new[] { r[0], r[2], r[3] }).ToList());
        }

        var keys = sql[sql.IndexOf(") in ((", StringComparison.Ordinal)..].Split("'").Where((_, i) => i % 2 == 1).ToHashSet(StringComparer.Ordinal);
        Note($"fetch of {keys.Count}");
        return new Result(this, "fetch", DiffColumns[..4], ModelRows.Where(r => keys.Contains((string)r[0]!)).ToList());
    }

    private void Note(string what)
    {
        lock (_events)
        {
            _events.Add(what);
        }
    }

    private sealed class Result(ScriptedSnapshotWarehouse owner, string name, IReadOnlyList<WarehouseColumn> columns, IReadOnlyList<object?[]> rows) : IWarehouseResult
    {
        public IReadOnlyList<WarehouseColumn> Columns => columns;

        public async IAsyncEnumerable<object?[]> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var row in rows)
            {
                await Task.Yield();
                owner.Note($"{name} row read");
                yield return row;
            }
        }

        public ValueTask DisposeAsync()
        {
            owner.Note($"{name} closed");
            return ValueTask.CompletedTask;
        }
    }
}
