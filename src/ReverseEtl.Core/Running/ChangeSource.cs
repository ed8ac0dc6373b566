using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Reads a sync's model and diffs it against the state the run began with (<see cref="SyncRunContext.Saved"/>): the
/// part that <c>run</c> and <c>plan</c> share. The worker's diff merges the rows, ordered by the key's text, with the
/// stored state streamed in the same order where the key allows (<see cref="StreamingKeys"/>), else diffs against the
/// state loaded in memory; where the sync has a state and the warehouse buckets keys, it first reads every row in no
/// order and compares per-bucket sums of their hashes (<see cref="WorkerBuckets"/>), reading again, in key order, only
/// what differs. It has no state store, so it cannot write: what it saw that the state
/// should keep (the columns the sync reads, rows whose stored row hash must move) comes out as events, which a run
/// stores and a plan ignores. Read it once.
/// </summary>
public sealed partial class ChangeSource(SyncRunContext context)
{
    // Rows read, mapped and hashed (and stored keys read) on the thread pool a batch at a time, ahead of the diff. Small,
    // with ReadAhead's 2 batches: rows that wait long enough to outlive the 4 MiB gen0 are promoted to gen2 (4 batches of
    // 512: about 110 gen2 collections in a 1M-row first run; 2 of 128: about 27; docs/benchmarks-history.md, thirteenth pass).
    private const int RowsAhead = 128;
    private WarehouseRows? _inWarehouse;
    private SnapshotRows? _inSnapshot;
    private BucketCompare? _buckets;
    private long _rowsRead;
    private long _rowsReadAgain;
    private bool _readingAgain, _rereadWhole;
    private WorkerBuckets? _first;

    /// <summary>How many keys the sync's state held when the run began.</summary>
    public long Held => context.Saved.Held;

    /// <summary>Rows of the model: read (for a diff in the warehouse: key rows read, or rows counted by buckets; against its snapshot: the rows the diff returned).</summary>
    public long RowsRead => _inSnapshot?.RowsRead ?? _buckets?.ModelRows ?? _inWarehouse?.KeysRead ?? _rowsRead + (_first?.ModelRows ?? 0);

    /// <summary>
    /// The model returned no rows (for a diff against the warehouse's snapshot, as the warehouse counted them; read again
    /// whole, as that read found it).
    /// </summary>
    public bool ModelEmpty => _inSnapshot?.ModelEmpty ?? (_readingAgain && _rereadWhole ? _rowsReadAgain == 0 : RowsRead == 0);

    /// <summary>For a diff in the warehouse: key + row-hash rows read (all, or those of the buckets that differ).</summary>
    public long KeysRead => _inWarehouse?.KeysRead ?? 0;

    /// <summary>For a diff in the warehouse by buckets: bucket rows read.</summary>
    public long BucketsRead => _buckets?.BucketsRead ?? 0;

    /// <summary>
    /// For a diff in the warehouse: how many full rows were read (the new or changed ones fetched, or every row read
    /// whole); for the worker's, the rows read again after its first pass found buckets that differ (<see cref="WorkerBuckets"/>).
    /// </summary>
    public long RowsFetched => _inWarehouse?.RowsFetched ?? _rowsReadAgain;

    /// <summary>
    /// Whether the worker's diff may merge the model's rows with the stored state as both stream (when the key is one
    /// text or whole-number column and the warehouse has a dialect); false diffs against the state loaded in memory.
    /// </summary>
    public bool MayStream { get; init; } = true;

    /// <summary>Whether this read merged two streams (<see cref="MergeDiff"/>) rather than diffing against the state in memory.</summary>
    public bool Streamed { get; private set; }

    public IAsyncEnumerable<DiffEvent> ReadAsync(CancellationToken cancellationToken) => context.Sync.DiffInWarehouse
        ? SnapshotRows.For(context) is { } snapshot ? InSnapshotAsync(snapshot, cancellationToken) : InWarehouseAsync(context.Saved.Columns, cancellationToken)
        : InWorkerAsync(context.Saved.Columns, cancellationToken);

    private async IAsyncEnumerable<DiffEvent> InWorkerAsync(IReadOnlyDictionary<string, string> saved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dialect = context.Warehouse as IWarehouseDialect;
        await (dialect?.PrepareAsync(context.QueryTag, cancellationToken) ?? Task.CompletedTask);
        var buckets = WorkerBuckets.For(context, dialect, MayStream);
        var query = new WarehouseQuery(ModelQuery.Build(context.Model, context.Sync, dialect, ordered: buckets is null, column: buckets?.Column), context.QueryTag);
        _first = buckets;
        WorkerRead? again;
        await using (var result = await OpenAsync(query, cancellationToken))
        {
            var mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
            if (SchemaGuard.Check(context, saved, mapper) is { } columns)
            {
                yield return columns;
            }

            var events = buckets is null ? MergeAsync(result, mapper, dialect, cancellationToken) : AsyncEnumerable.Empty<DiffEvent>();
            await foreach (var item in events)
            {
                yield return item;
            }

            again = buckets is null ? null : await buckets.CompareAsync(result, mapper, cancellationToken);
        }

        // Read again (WorkerBuckets) with the first read's result closed.
        await foreach (var item in again is null ? AsyncEnumerable.Empty<DiffEvent>() : ReadAgainAsync(again, dialect!, cancellationToken))
        {
            yield return item;
        }
    }

    // Every row, in key order: merged with the stored state as both stream where the key allows, else against the state loaded.
    private async IAsyncEnumerable<DiffEvent> MergeAsync(IWarehouseResult result, RowMapper mapper, IWarehouseDialect? dialect, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = ReadAhead.Of(MapAsync(result.ReadRowsAsync(cancellationToken), mapper), RowsAhead, cancellationToken);
        Streamed = MayStream && dialect is not null && StreamingKeys.ByTypes(KeyTypes(result.Columns));
        var diff = Streamed
            ? MergeDiff.DiffAsync(rows, ReadAhead.Of(context.Saved.Records.ReadAsync(cancellationToken), RowsAhead, cancellationToken), OutOfOrder, cancellationToken)
            : DiffEngine.DiffAsync(rows, await context.Saved.Records.LoadAsync(cancellationToken), cancellationToken);
        await foreach (var item in diff)
        {
            yield return item;
        }
    }

    private string[] KeyTypes(IReadOnlyList<WarehouseColumn> columns) =>
        context.Model.PrimaryKey.Select(k => columns.First(c => c.Name.Equals(k, StringComparison.OrdinalIgnoreCase)).DataType).ToArray();

    // The key's text sorted differently in the warehouse than in the state: the merge would be wrong, so the read stops.
    private WarehouseException OutOfOrder(string previous, string key) => new(
        $"sync '{context.Sync.Name}': model '{context.Model.Name}' (connection '{context.Model.Connection}') returned key '{key}' after '{previous}', " +
        $"out of the state's key order (by code point) although the read was ordered so; nothing after it was diffed. Please report it with the warehouse and the type of the key column '{string.Join(", ", context.Model.PrimaryKey)}'");

    // A warehouse error inside the model (a cast that fails on one row's value) names the model's own line, not the wrapper's.
    private async Task<IWarehouseResult> OpenAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await context.Warehouse.QueryAsync(query, cancellationToken);
        }
        catch (WarehouseException ex)
        {
            // The live check ran the query before: what fails now comes from the data, and its values stay out of the message.
            throw ProbeQuery.InRunQuery(context.Runtime.Project, context.Sync, ex) ?? new WarehouseException(ProbeQuery.WithoutValues(ex.Message), ex);
        }
    }

    private async IAsyncEnumerable<MappedRow> MapAsync(IAsyncEnumerable<object?[]> rows, RowMapper mapper)
    {
        await foreach (var values in rows)
        {
            var number = _readingAgain ? ++_rowsReadAgain : ++_rowsRead;
            yield return mapper.Map(number, values);
        }
    }
}
