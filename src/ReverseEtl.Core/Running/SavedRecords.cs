using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The stored state of every key of a sync when its run began, read on demand rather than held: streamed in
/// <see cref="KeyOrder"/> for the streaming diff, or loaded whole where a dictionary is needed (<c>diff: warehouse</c>,
/// keys that cannot stream). <see cref="Count"/> is known from the start.
/// </summary>
public abstract class SavedRecords
{
    private IReadOnlyDictionary<string, RecordState>? _shared;

    /// <summary>No key stored.</summary>
    public static SavedRecords None { get; } = Of(new Dictionary<string, RecordState>(StringComparer.Ordinal));

    /// <summary>How many keys the state held when the run began.</summary>
    public abstract long Count { get; }

    /// <summary>Every key's state, in <see cref="KeyOrder"/>. Read once per run.</summary>
    public abstract IAsyncEnumerable<StoredRecord> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Every key's state, in a dictionary of its own (the caller may consume it).</summary>
    public async Task<Dictionary<string, RecordState>> LoadAsync(CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        await foreach (var (key, state) in ReadAsync(cancellationToken))
        {
            records[key] = state;
        }

        return records;
    }

    /// <summary>
    /// Every key's state in one dictionary shared by its callers (not to be changed), loaded on the first call: the
    /// snapshot diff's check and confirmations, and its trail's "was this key stored when the run began", which must
    /// call it before the run stores anything.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, RecordState>> SharedAsync(CancellationToken cancellationToken) =>
        _shared ??= await LoadAsync(cancellationToken);

    /// <summary>One key's state, read as far as that key in key order; null when the key is not stored.</summary>
    public async Task<RecordState?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await foreach (var record in ReadAsync(cancellationToken))
        {
            var order = KeyOrder.Instance.Compare(record.Key, key);
            if (order >= 0)
            {
                return order == 0 ? record.State : null;
            }
        }

        return null;
    }

    /// <summary>Records held in memory (tests, a preview, <c>explain</c>'s one key).</summary>
    public static SavedRecords Of(IReadOnlyDictionary<string, RecordState> records) => new InMemory(records);

    /// <summary>The records of <paramref name="sync"/> in <paramref name="store"/>: counted now, read when the diff asks.</summary>
    public static async Task<SavedRecords> InStoreAsync(IRecordStateStore store, string sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new InStore(store, sync, await store.CountRecordsAsync(sync, cancellationToken));
    }

    private sealed class InMemory(IReadOnlyDictionary<string, RecordState> records) : SavedRecords
    {
        public override long Count => records.Count;

        public override async IAsyncEnumerable<StoredRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var (key, state) in records.OrderBy(r => r.Key, KeyOrder.Instance))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new StoredRecord(key, state);
            }

            await Task.CompletedTask;
        }
    }

    private sealed class InStore(IRecordStateStore store, string sync, long count) : SavedRecords
    {
        public override long Count => count;

        public override IAsyncEnumerable<StoredRecord> ReadAsync(CancellationToken cancellationToken) => store.ReadRecordsAsync(sync, cancellationToken);
    }
}
