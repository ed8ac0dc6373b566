using System.Globalization;
using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Fetch;

/// <summary>
/// A warehouse for <c>diff: warehouse</c> without buckets: the key rows (key, row hash, match) of <see cref="Keys"/>, answered to any query but a fetch (a read of whole rows too: with no fields, the key is the payload)
/// keys, failing after <see cref="KeysFailAfter"/> of them when set; and fetches of whole rows (id, name, row hash,
/// match), each held until <see cref="FetchDelay"/> passes or its token is cancelled. It notes each fetch's start and end.
/// </summary>
internal sealed class ScriptedKeysWarehouse : IWarehouse, IWarehouseConnector, IWarehouseDialect
{
    private readonly EventNotes _notes = new();
    private readonly TaskCompletionSource _fetchFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _keysRead;
    private int _queries;

    public int Keys { get; init; }

    public int? KeysFailAfter { get; init; }

    public TimeSpan FetchDelay { get; init; }

    public Exception? FetchFailure { get; init; }

    /// <summary>
    /// Key rows wait at this one until a fetch has failed, and <see cref="FaultGrace"/> more: a thrown exception takes
    /// a while to fault the fetch's task (unwinding each await), in which a thousand key rows could otherwise pass.
    /// </summary>
    public int? KeysWaitForFailureAt { get; init; }

    private static readonly TimeSpan FaultGrace = TimeSpan.FromMilliseconds(200);

    /// <summary>Queries run: the key rows', and each fetch.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Key rows handed out.</summary>
    public int KeysRead => Volatile.Read(ref _keysRead);

    public List<string> Events => _notes.All;

    public string Type => "duckdb";

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => [];

    public IWarehouse Create(ConnectionSettings connection) => this;

    public string RowHash(string rowName, string salt) => $"row_hash({rowName}, salt_{salt})";

    public string Literal(object? value) => value is null ? "null" : $"'{Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'";

    public string KeyText(string column) => $"cast({column} as varchar)";

    public static string Key(int i) => $"ключ_{i:D5}";

    public async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        await Task.Yield();
        if (!query.Sql.Contains(") in ((", StringComparison.Ordinal))
        {
            return new Result([new("id", "VARCHAR"), new(ModelQuery.RowHashColumn, "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")], KeyRowsAsync);
        }

        var keys = query.Sql.Split("'").Where((_, i) => i % 2 == 1).ToList();
        _notes.Note($"fetch of {keys.Count} started");
        try
        {
            await Task.Delay(FetchDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _notes.Note("fetch stopped");
            throw;
        }

        _notes.Note("fetch answered");
        if (FetchFailure is not null)
        {
            _fetchFailed.TrySetResult();
            throw FetchFailure;
        }

        return new Result([new("id", "VARCHAR"), new("name", "VARCHAR"), new(ModelQuery.RowHashColumn, "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")],
            _ => Rows(keys.Select(k => new object?[] { k, $"Zoë 🙂 {k}", "00000000000000aa", true })));
    }

    public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<WarehouseColumn>>([new("id", "VARCHAR"), new("name", "VARCHAR")]);

    private async IAsyncEnumerable<object?[]> KeyRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < Keys; i++)
        {
            await Task.Yield();
            if (i == KeysFailAfter)
            {
                throw new WarehouseException("the key rows' connection was reset");
            }

            if (i == KeysWaitForFailureAt)
            {
                await _fetchFailed.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                await Task.Delay(FaultGrace, cancellationToken); // the failure's throw is still unwinding the fetch's task
            }

            Interlocked.Increment(ref _keysRead);
            yield return [Key(i), "00000000000000aa", true];
        }
    }

    private static async IAsyncEnumerable<object?[]> Rows(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }


    private sealed class Result(IReadOnlyList<WarehouseColumn> columns, Func<CancellationToken, IAsyncEnumerable<object?[]>> rows) : IWarehouseResult
    {
        public IReadOnlyList<WarehouseColumn> Columns => columns;

        public IAsyncEnumerable<object?[]> ReadRowsAsync(CancellationToken cancellationToken) => rows(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
