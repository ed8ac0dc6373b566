namespace ReverseEtl.Abstractions.State;

/// <summary>What each sync last delivered, per key.</summary>
/// <remarks>
/// Thread-safe. <see cref="ApplyAsync"/> is atomic: it writes all of its updates or none, so a crash between batches
/// loses at most the batch in flight, never an acknowledged one.
/// </remarks>
public interface IRecordStateStore
{
    /// <summary>The state of every key of <paramref name="sync"/>.</summary>
    Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>
    /// The state of every key of <paramref name="sync"/>, streamed in <see cref="KeyOrder"/> (by code point) and read as
    /// it arrives, so that memory does not grow with the number of keys. Enumerate once.
    /// </summary>
    IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>How many keys <paramref name="sync"/> holds; a store should count without reading every key.</summary>
    async Task<long> CountRecordsAsync(string sync, CancellationToken cancellationToken)
    {
        var count = 0L;
        await foreach (var unused in ReadRecordsAsync(sync, cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// The state of those of <paramref name="keys"/> that <paramref name="sync"/> holds (keys not stored are left out,
    /// a key given twice is read once), for a caller that needs a few keys rather than all of them.
    /// </summary>
    Task<Dictionary<string, RecordState>> FindRecordsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>The destination ids recorded for <paramref name="keys"/> (keys without one are left out).</summary>
    Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Stores or deletes keys' state, and clears their failures.</summary>
    Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken);
}
