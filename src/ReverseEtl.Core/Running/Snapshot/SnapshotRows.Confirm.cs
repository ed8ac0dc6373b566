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
    // its row hash moved, the diff moves the state's row hash (unless the key turns out duplicated: DiffEngine.Compare).
    private MappedRow Confirm(MappedRow row, Dictionary<string, RecordState> found)
    {
        if (row.Key is not { } key || !found.TryGetValue(key, out var before) || !_keys.Add(key))
        {
            return row;
        }

        Previous[key] = before;
        return before.RowHash == row.RowHash && before.Matched == row.Matches ? row with { Hash = before.Hash } : row;
    }
}
