using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Running;

// The diff in the warehouse (`diff: warehouse`): by buckets where they apply, or against the warehouse's snapshot.
public sealed partial class ChangeSource
{
    private async IAsyncEnumerable<DiffEvent> InWarehouseAsync(IReadOnlyDictionary<string, string> saved, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var dialect = context.Warehouse as IWarehouseDialect ?? throw NoDialect();
        await dialect.PrepareAsync(context.QueryTag, cancellationToken);
        var changes = await CompareBucketsAsync(dialect, cancellationToken);
        if (changes is { ReadKeys: false })
        {
            yield break;
        }

        // Rows come in the order of each key column's text, as for the worker's diff; a single-column key's merge with the state streamed alike where the key allows.
        await using var states = new KeyStates(changes?.Stored ?? context.Saved.Records.ReadAsync, changes?.Wanted, OutOfOrder);
        // Every row read whole where most rows must be read so: a first run (every key new), almost every bucket differing.
        var whole = changes?.WholeRows ?? context.Saved.Held == 0;
        _inWarehouse = new WarehouseRows(context, dialect, states, saved, changes?.Where) { MayStream = MayStream, Whole = whole };
        await foreach (var item in DiffEngine.DiffAsync(_inWarehouse.ReadAsync(cancellationToken), states.Previous, () => _inWarehouse.KeysAdjacent, cancellationToken))
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

    // Against the warehouse's snapshot; when it differs from the state, a plan reads as without one, and so does any run
    // whose statement against it fails (SnapshotRows.OpenAsync).
    private async IAsyncEnumerable<DiffEvent> InSnapshotAsync(SnapshotRows snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The statement brings a key's rows together (SnapshotSql.Diff), so the diff keeps no set of every key returned.
        await using var owned = snapshot;
        var events = await snapshot.PrepareAsync(cancellationToken) && await snapshot.OpenAsync(cancellationToken)
            ? DiffEngine.DiffAsync((_inSnapshot = snapshot).ReadAsync(cancellationToken), snapshot.Previous, keysAdjacent: true, cancellationToken)
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

    // Buckets first where they apply (a state to compare with: key buckets, or row-hash buckets for a key of several columns); null: every key is read against the whole state.
    private async Task<BucketChanges?> CompareBucketsAsync(IWarehouseDialect dialect, CancellationToken cancellationToken)
    {
        if (!BucketCompare.Applies(context, dialect))
        {
            return null;
        }

        var buckets = new BucketCompare(context, (IWarehouseBuckets)dialect, context.Saved.Records.ReadAsync);
        _buckets = buckets;
        return await buckets.CompareAsync(cancellationToken);
    }

    private SyncDefinitionException NoDialect() =>
        new($"sync '{context.Sync.Name}': 'diff: warehouse' needs a warehouse that can hash rows; connection '{context.Model.Connection}' cannot, so use 'diff: worker'");
}
