using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The stored state of every key of a sync when its run began, read on demand rather than held: streamed in
/// <see cref="KeyOrder"/> for the streaming diff, loaded whole where a dictionary is needed (<c>diff: warehouse</c>,
/// keys that cannot stream), or looked up by key. <see cref="Count"/> is known from the start.
/// </summary>
public abstract class SavedRecords
{
    /// <summary>No key stored.</summary>
    public static SavedRecords None { get; } = Of(new Dictionary<string, RecordState>(StringComparer.Ordinal));

    /// <summary>How many keys the state held when the run began.</summary>
    public abstract long Count { get; }

    /// <summary>Every key's state, in <see cref="KeyOrder"/>. Streamed on each call (a snapshot check and its rebuild read it twice).</summary>
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
    /// The state of those of <paramref name="keys"/> that were stored (keys not stored are left out), read by key: for a
    /// caller that needs a batch of keys (the snapshot diff's confirmations) rather than every key.
    /// </summary>
    public abstract Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

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

    /// <summary>Where the store keeps each key's bucket (<see cref="IKeyBucketStore"/>), the store; else null, and the bucket comparison hashes every key.</summary>
    internal virtual IKeyBucketStore? Buckets => null;

    /// <summary>The sync whose records these are, as <see cref="Buckets"/> names it.</summary>
    internal virtual string Sync => string.Empty;

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

        public override Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            Task.FromResult(keys.Distinct(StringComparer.Ordinal).Where(records.ContainsKey).ToDictionary(k => k, k => records[k], StringComparer.Ordinal));
    }

    private sealed class InStore(IRecordStateStore store, string sync, long count) : SavedRecords
    {
        public override long Count => count;

        internal override IKeyBucketStore? Buckets => store as IKeyBucketStore;

        internal override string Sync => sync;

        public override IAsyncEnumerable<StoredRecord> ReadAsync(CancellationToken cancellationToken) => store.ReadRecordsAsync(sync, cancellationToken);

        public override Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            store.FindRecordsAsync(sync, keys, cancellationToken);
    }
}
