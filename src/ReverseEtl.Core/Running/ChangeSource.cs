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
/// state loaded in memory. It has no state store, so it cannot write: what it saw that the state
/// should keep (the columns the sync reads, rows whose stored row hash must move) comes out as events, which a run
/// stores and a plan ignores. Read it once.
/// </summary>
public sealed class ChangeSource(SyncRunContext context)
{
    // Rows read, mapped and hashed (and stored keys read) on the thread pool a batch at a time, ahead of the diff.
    private const int RowsAhead = 512;
    private WarehouseRows? _inWarehouse;
    private SnapshotRows? _inSnapshot;
    private BucketCompare? _buckets;
    private long _rowsRead;

    /// <summary>How many keys the sync's state held when the run began.</summary>
    public long Held => context.Saved.Held;

    /// <summary>Rows of the model: read (for a diff in the warehouse: key rows read, or rows counted by buckets; against its snapshot: the rows the diff returned).</summary>
    public long RowsRead => _inSnapshot?.RowsRead ?? _buckets?.ModelRows ?? _inWarehouse?.KeysRead ?? _rowsRead;

    /// <summary>The model returned no rows (for a diff against the warehouse's snapshot, as the warehouse counted them).</summary>
    public bool ModelEmpty => _inSnapshot?.ModelEmpty ?? RowsRead == 0;

    /// <summary>For a diff in the warehouse: key + row-hash rows read (all, or those of the buckets that differ).</summary>
    public long KeysRead => _inWarehouse?.KeysRead ?? 0;

    /// <summary>For a diff in the warehouse by buckets: bucket rows read.</summary>
    public long BucketsRead => _buckets?.BucketsRead ?? 0;

    /// <summary>For a diff in the warehouse: how many full rows were fetched (the new or changed ones).</summary>
    public long RowsFetched => _inWarehouse?.RowsFetched ?? 0;

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
        var query = new WarehouseQuery(ModelQuery.Build(context.Model, context.Sync, dialect), context.QueryTag);
        await using var result = await OpenAsync(query, cancellationToken);
        var mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
        if (SchemaGuard.Check(context, saved, mapper) is { } columns)
        {
            yield return columns;
        }

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

    private async IAsyncEnumerable<DiffEvent> InWarehouseAsync(IReadOnlyDictionary<string, string> saved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dialect = context.Warehouse as IWarehouseDialect ?? throw NoDialect();
        var changes = await CompareBucketsAsync(dialect, cancellationToken);
        if (changes is { ReadKeys: false })
        {
            yield break;
        }

        // A single-column key's rows come in its text's order, as for the worker's diff, and merge with the state streamed alike where the key allows.
        await using var states = new KeyStates(context.Saved.Records.ReadAsync, changes?.Wanted, OutOfOrder);
        _inWarehouse = new WarehouseRows(context, dialect, states, saved, changes?.Where) { MayStream = MayStream };
        await foreach (var item in DiffEngine.DiffAsync(_inWarehouse.ReadAsync(cancellationToken), states.Previous, cancellationToken))
        {
            foreach (var seen in _inWarehouse.TakeSeen())
            {
                yield return seen;
            }

            yield return item;
        }

        foreach (var seen in _inWarehouse.TakeSeen())
        {
            yield return seen;
        }

        Streamed = states.Streams;
        await foreach (var (key, gone) in states.RemovedAsync())
        {
            yield return new RowChange(key, ChangeKind.Removed, gone.Matched, IsMatching: false, Row: null);
        }
    }

    // Against the warehouse's snapshot; when it differs from the state, a plan reads as without one.
    private async IAsyncEnumerable<DiffEvent> InSnapshotAsync(SnapshotRows snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = await snapshot.PrepareAsync(cancellationToken)
            ? DiffEngine.DiffAsync((_inSnapshot = snapshot).ReadAsync(cancellationToken), snapshot.Previous, cancellationToken)
            : InWarehouseAsync(context.Saved.Columns, cancellationToken);
        await foreach (var item in events)
        {
            foreach (var seen in snapshot.TakeSeen())
            {
                yield return seen;
            }

            yield return item;
        }

        foreach (var seen in snapshot.TakeSeen())
        {
            yield return seen;
        }
    }

    // Buckets first where they apply (a single-column key, a state to compare with); null: every key is read against the whole state.
    private async Task<BucketChanges?> CompareBucketsAsync(IWarehouseDialect dialect, CancellationToken cancellationToken)
    {
        if (!BucketCompare.Applies(context, dialect))
        {
            return null;
        }

        var buckets = new BucketCompare(context, (IWarehouseBuckets)dialect, context.Saved.Records.ReadAsync);
        var changes = await buckets.CompareAsync(cancellationToken);
        _buckets = changes is null ? null : buckets;
        return changes;
    }

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

    private SyncDefinitionException NoDialect() =>
        new($"sync '{context.Sync.Name}': 'diff: warehouse' needs a warehouse that can hash rows; connection '{context.Model.Connection}' cannot, so use 'diff: worker'");

    private async IAsyncEnumerable<MappedRow> MapAsync(IAsyncEnumerable<object?[]> rows, RowMapper mapper)
    {
        await foreach (var values in rows)
        {
            _rowsRead++;
            yield return mapper.Map(_rowsRead, values);
        }
    }
}
