using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The stored state that the key rows of a diff in the warehouse (<see cref="WarehouseRows"/>) are compared with,
/// limited to the keys it reads (<c>wanted</c>; null: every key). Where the key streams, the state is streamed in
/// <see cref="KeyOrder"/> and merged with key rows read in the same order: only the states of keys to fetch and of
/// removed keys are held, so memory grows with the changes, not the table. Otherwise it is loaded into
/// <see cref="Previous"/> whole, as before, and rows of unchanged keys must still pass through the diff to leave it.
/// </summary>
internal sealed class KeyStates : IAsyncDisposable
{
    // Stored keys filtered and read on the thread pool a batch at a time, ahead of the merge.
    private const int RecordsAhead = 512;
    private readonly List<StoredRecord> _removed = [];
    private readonly Func<CancellationToken, IAsyncEnumerable<StoredRecord>> _stored;
    private readonly Func<StoredRecord, bool>? _wanted;
    private readonly Func<string, string, Exception> _outOfOrder;
    private IAsyncEnumerator<StoredRecord>? _stream;
    private string? _last;
    private bool _more;

    /// <summary>The stored state of the keys for which <paramref name="wanted"/> holds (every key when null), read when opened.</summary>
    /// <param name="stored">Every stored key's state, in <see cref="KeyOrder"/>.</param>
    /// <param name="wanted">Which stored records the key rows are compared with; null: all.</param>
    /// <param name="outOfOrder">The exception for a key row whose key (second) comes after another (first) out of key order.</param>
    public KeyStates(Func<CancellationToken, IAsyncEnumerable<StoredRecord>> stored, Func<StoredRecord, bool>? wanted, Func<string, string, Exception> outOfOrder)
    {
        _stored = stored;
        _wanted = wanted;
        _outOfOrder = outOfOrder;
    }

    /// <summary>
    /// What the worker's diff (<see cref="Diff.DiffEngine"/>) compares the rows passed on with: it takes out the keys
    /// it sees and reports the rest as removed. Streamed: the states of the keys to fetch only.
    /// </summary>
    public Dictionary<string, RecordState> Previous { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the state streams (merged in key order) rather than sits in <see cref="Previous"/>.</summary>
    public bool Streams => _stream is not null;

    /// <summary>
    /// Starts reading the state: streamed, to merge with key rows in <see cref="KeyOrder"/>, or loaded whole into
    /// <see cref="Previous"/>, for key rows in any order.
    /// </summary>
    public async Task OpenAsync(bool stream, CancellationToken cancellationToken)
    {
        if (stream)
        {
            _stream = ReadAhead.Of(Filter(_stored(cancellationToken), new StoredKeyOrder()), RecordsAhead, cancellationToken).GetAsyncEnumerator(cancellationToken);
            _more = await _stream.MoveNextAsync();
            return;
        }

        await foreach (var (key, state) in Filter(_stored(cancellationToken)).WithCancellation(cancellationToken))
        {
            Previous[key] = state;
        }
    }

    // Streamed, every stored key is checked to come in key order (the merge relies on it) before those not wanted go.
    private async IAsyncEnumerable<StoredRecord> Filter(IAsyncEnumerable<StoredRecord> records, StoredKeyOrder? order = null)
    {
        await foreach (var record in records)
        {
            order?.Check(record.Key);
            if (_wanted is null || _wanted(record))
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// The state of the key of one key row (null: not stored). Streamed, keys must be asked for in strictly increasing
    /// <see cref="KeyOrder"/> (else the exception of <c>outOfOrder(previous, key)</c> is thrown), and the stored keys
    /// passed over are removed ones.
    /// </summary>
    public async ValueTask<RecordState?> FindAsync(string key)
    {
        if (_stream is null)
        {
            return Previous.TryGetValue(key, out var held) ? held : null;
        }

        if (_last is not null && KeyOrder.Instance.Compare(key, _last) <= 0)
        {
            throw _outOfOrder(_last, key);
        }

        _last = key;
        while (_more)
        {
            var current = _stream.Current;
            var order = KeyOrder.Instance.Compare(current.Key, key);
            if (order > 0)
            {
                return null;
            }

            _more = await _stream.MoveNextAsync();
            if (order == 0)
            {
                return current.State;
            }

            _removed.Add(current);
        }

        return null;
    }

    /// <summary>Holds the state of a key whose row is fetched, for the diff to compare the row with.</summary>
    public void Fetching(string key, RecordState? state)
    {
        if (_stream is not null && state is { } stored)
        {
            Previous[key] = stored;
        }
    }

    /// <summary>Streamed, once every key row is read: the stored keys no row had, in key order (the rest are in <see cref="Previous"/>).</summary>
    public async IAsyncEnumerable<StoredRecord> RemovedAsync()
    {
        foreach (var record in _removed)
        {
            yield return record;
        }

        _removed.Clear();
        for (; _more && _stream is not null; _more = await _stream.MoveNextAsync())
        {
            yield return _stream.Current;
        }
    }

    public ValueTask DisposeAsync() => _stream?.DisposeAsync() ?? ValueTask.CompletedTask;
}
