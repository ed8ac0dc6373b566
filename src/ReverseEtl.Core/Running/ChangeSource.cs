using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Reads a sync's model and diffs it against the state the run began with (<see cref="SyncRunContext.Saved"/>): the
/// part that <c>run</c> and <c>plan</c> share. It has no state store, so it cannot write: what it saw that the state
/// should keep (the columns the sync reads, rows whose stored row hash must move) comes out as events, which a run
/// stores and a plan ignores. Read it once.
/// </summary>
public sealed class ChangeSource(SyncRunContext context)
{
    private WarehouseRows? _inWarehouse;
    private BucketCompare? _buckets;
    private long _rowsRead;

    /// <summary>How many keys the sync's state held when the run began.</summary>
    public long Held => context.Saved.Held;

    /// <summary>Rows of the model: read (for a diff in the warehouse: key rows read, or rows counted by buckets).</summary>
    public long RowsRead => _buckets?.ModelRows ?? _inWarehouse?.KeysRead ?? _rowsRead;

    /// <summary>For a diff in the warehouse: key + row-hash rows read (all, or those of the buckets that differ).</summary>
    public long KeysRead => _inWarehouse?.KeysRead ?? 0;

    /// <summary>For a diff in the warehouse by buckets: bucket rows read.</summary>
    public long BucketsRead => _buckets?.BucketsRead ?? 0;

    /// <summary>For a diff in the warehouse: how many full rows were fetched (the new or changed ones).</summary>
    public long RowsFetched => _inWarehouse?.RowsFetched ?? 0;

    public IAsyncEnumerable<DiffEvent> ReadAsync(CancellationToken cancellationToken) => context.Sync.DiffInWarehouse
        ? InWarehouseAsync(context.Saved.Records, context.Saved.Columns, cancellationToken)
        : InWorkerAsync(context.Saved.Records, context.Saved.Columns, cancellationToken);

    private async IAsyncEnumerable<DiffEvent> InWorkerAsync(
        Dictionary<string, RecordState> previous, IReadOnlyDictionary<string, string> saved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new WarehouseQuery(ModelQuery.Build(context.Model, context.Sync), context.QueryTag);
        await using var result = await OpenAsync(query, cancellationToken);
        var mapper = RowMapper.Create(context.Sync, context.Model, result.Columns);
        if (SchemaGuard.Check(context, saved, mapper) is { } columns)
        {
            yield return columns;
        }

        await foreach (var item in DiffEngine.DiffAsync(MapAsync(result.ReadRowsAsync(cancellationToken), mapper), previous, cancellationToken))
        {
            yield return item;
        }
    }

    private async IAsyncEnumerable<DiffEvent> InWarehouseAsync(
        Dictionary<string, RecordState> previous, IReadOnlyDictionary<string, string> saved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dialect = context.Warehouse as IWarehouseDialect ?? throw NoDialect();
        var changes = await CompareBucketsAsync(dialect, previous, cancellationToken);
        if (changes is { ReadKeys: false })
        {
            yield break;
        }

        previous = changes?.Previous ?? previous;
        _inWarehouse = new WarehouseRows(context, dialect, previous, saved, changes?.Where, changes?.Filled);
        await foreach (var item in DiffEngine.DiffAsync(_inWarehouse.ReadAsync(cancellationToken), previous, cancellationToken))
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
    }

    // Buckets first where they apply (a single-column key, a state to compare with); null: every key is read against the whole state.
    private async Task<BucketChanges?> CompareBucketsAsync(IWarehouseDialect dialect, Dictionary<string, RecordState> previous, CancellationToken cancellationToken)
    {
        if (!BucketCompare.Applies(context, dialect))
        {
            return null;
        }

        // While the saved state holds every key in memory, reading them again from the store would only add time.
        var buckets = new BucketCompare(context, (IWarehouseBuckets)dialect, ct => previous.Count == 0 && context.StoredRecords is { } stored ? stored(ct) : Stored(previous));
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

    // The state the run began with, as loaded (explain's: a single key).
    private static IAsyncEnumerable<StoredRecord> Stored(Dictionary<string, RecordState> previous) =>
        previous.Select(p => new StoredRecord(p.Key, p.Value)).ToAsyncEnumerable();

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
