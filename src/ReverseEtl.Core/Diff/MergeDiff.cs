using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Diff;

/// <summary>
/// The diff of <see cref="DiffEngine"/> as a merge of two streams in <see cref="KeyOrder"/>: the model's rows and the
/// stored state (<see cref="IRecordStateStore.ReadRecordsAsync"/>). It holds one row and the keys found removed, not
/// the state or the keys seen, so memory does not grow with the table; the events are the same.
/// </summary>
/// <remarks>
/// Every row of a duplicated key is rejected (they arrive side by side) and the key's state is left alone. Removed
/// keys are yielded only after the last row, so a failed read never looks like a mass delete. A row whose key sorts
/// before the previous row's breaks the merge: it throws the exception <c>outOfOrder(previous, key)</c> makes,
/// before anything about that row is yielded. A stored key that does not sort after the stored key before it (a state
/// store giving keys in another order) throws <see cref="InvalidOperationException"/> as soon as the state is read
/// that far (<see cref="StoredKeyOrder"/>): the keys passed over until then are not yielded as removed, but a row
/// judged before the state reached its key has already come out as added, and past the last row the removals read
/// before it have come out.
/// </remarks>
public static class MergeDiff
{
    /// <summary>Diffs <paramref name="rows"/> against <paramref name="stored"/>; both must come in <see cref="KeyOrder"/>.</summary>
    public static async IAsyncEnumerable<DiffEvent> DiffAsync(
        IAsyncEnumerable<MappedRow> rows,
        IAsyncEnumerable<StoredRecord> stored,
        Func<string, string, Exception> outOfOrder,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outOfOrder);
        await using var state = new StateCursor(stored.GetAsyncEnumerator(cancellationToken));
        await state.MoveAsync();
        DiffEngine.Pending? pending = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Key is null)
            {
                yield return new RowRejected(row.Number, null, row.KeyProblem ?? "the primary key is null");
                continue;
            }

            if (pending is { } held && held.Row.Key == row.Key)
            {
                if (!held.Duplicated)
                {
                    yield return DiffEngine.Duplicate(held.Row, row.Number);
                    pending = held with { Duplicated = true };
                }

                yield return DiffEngine.Duplicate(row, held.Row.Number);
                continue;
            }

            if (pending is { } before && KeyOrder.Instance.Compare(row.Key, before.Row.Key) < 0)
            {
                throw outOfOrder(before.Row.Key!, row.Key);
            }

            if (pending is { Duplicated: false } ready && DiffEngine.Compare(ready.Row, ready.Previous) is { } change)
            {
                yield return change;
            }

            pending = new DiffEngine.Pending(row, await state.TakeAsync(row.Key), Duplicated: false);
        }

        if (pending is { Duplicated: false } last && DiffEngine.Compare(last.Row, last.Previous) is { } lastChange)
        {
            yield return lastChange;
        }

        await foreach (var (key, gone) in state.RestAsync())
        {
            yield return new RowChange(key, ChangeKind.Removed, gone.Matched, IsMatching: false, Row: null);
        }
    }

    /// <summary>The stored state's stream, read as far as the current row's key; the keys passed over are removed ones.</summary>
    private sealed class StateCursor(IAsyncEnumerator<StoredRecord> records) : IAsyncDisposable
    {
        private readonly List<StoredRecord> _removed = [];
        private readonly StoredKeyOrder _order = new();
        private bool _more;

        public async ValueTask MoveAsync()
        {
            _more = await records.MoveNextAsync();
            if (_more)
            {
                _order.Check(records.Current.Key);
            }
        }

        /// <summary>The state of <paramref name="key"/>, if stored; keys before it that no row had are kept as removed.</summary>
        public async ValueTask<RecordState?> TakeAsync(string key)
        {
            while (_more)
            {
                var current = records.Current;
                var order = KeyOrder.Instance.Compare(current.Key, key);
                if (order > 0)
                {
                    return null;
                }

                await MoveAsync();
                if (order == 0)
                {
                    return current.State;
                }

                _removed.Add(current);
            }

            return null;
        }

        /// <summary>The removed keys: those passed over, then those after the last row.</summary>
        public async IAsyncEnumerable<StoredRecord> RestAsync()
        {
            foreach (var record in _removed)
            {
                yield return record;
            }

            _removed.Clear();
            for (; _more; await MoveAsync())
            {
                yield return records.Current;
            }
        }

        public ValueTask DisposeAsync() => records.DisposeAsync();
    }
}
