using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.Snapshot;

// The confirmations: each returned key against its stored state, looked up a batch at a time.
internal sealed partial class SnapshotRows
{
    // The returned rows of a batch, in order, each confirmed against the state of its key (looked up for the batch) as
    // the diff takes it, so that a key enters Previous just before the diff consumes it, as one row at a time would.
    private async IAsyncEnumerable<MappedRow> ConfirmAsync(List<MappedRow> batch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var found = await FindAsync(batch.Select(r => r.Key).OfType<string>().Where(k => !_keys.Contains(k)).ToList(), cancellationToken);
        foreach (var row in batch)
        {
            yield return Confirm(row, found);
        }

        batch.Clear();
    }

    // The keys the model lost, in key order (unless a row had the key after all), with the state they had.
    private async Task AddGoneAsync(List<string> gone, CancellationToken cancellationToken)
    {
        foreach (var chunk in gone.Where(k => !_keys.Contains(k)).Order(StringComparer.Ordinal).Chunk(ConfirmBatch))
        {
            var found = await FindAsync(chunk, cancellationToken);
            foreach (var key in chunk)
            {
                if (found.TryGetValue(key, out var before))
                {
                    Previous[key] = before;
                }
            }
        }
    }

    // Nothing to look up when the state held no key when the run began (a first run).
    private async Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 || context.Saved.Records.Count == 0
            ? new Dictionary<string, RecordState>(StringComparer.Ordinal)
            : await context.Saved.Records.FindAsync(keys, cancellationToken);

    // A returned row against the state: as stored (a snapshot that lagged) it reaches the diff as unchanged; with only
    // its row hash moved, the state's row hash moves (unless the key turns out duplicated).
    private MappedRow Confirm(MappedRow row, Dictionary<string, RecordState> found)
    {
        Settle(row.Key);
        if (row.Key is not { } key || !found.TryGetValue(key, out var before) || !_keys.Add(key))
        {
            return row;
        }

        Previous[key] = before;
        if (before.RowHash == row.RowHash && before.Matched == row.Matches)
        {
            return row with { Hash = before.Hash };
        }

        if (before.Hash == row.Hash && before.Matched == row.Matches)
        {
            _rehash = (key, new RowRehashed(key, before with { RowHash = row.RowHash }));
        }

        return row;
    }

    // A rehash waits for the next key: a second row of the same key makes it a duplicate, whose state stays as it is.
    private void Settle(string? next)
    {
        if (_rehash is { } pending && pending.Key != next)
        {
            _seen.Enqueue(pending.Event);
        }

        _rehash = null;
    }
}
