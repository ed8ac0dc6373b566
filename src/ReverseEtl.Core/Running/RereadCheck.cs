using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What the second read of <see cref="WorkerBuckets"/> must find again: per bucket read, as many rows as the first read
/// counted, none of another bucket, and as many rows without a key. Else the model changed between the two reads (a
/// table reloaded meanwhile), and the keys the second read misses must not be taken for removed: checked once its last
/// row is read, before the diff gives any key as removed, it fails the run, which the next run reads again.
/// </summary>
internal sealed class RereadCheck(SyncRunContext context, BucketSums model, IReadOnlyCollection<int> buckets, long keyless)
{
    private readonly Dictionary<int, long> _read = buckets.ToDictionary(b => b, _ => 0L);
    private long _keyless, _elsewhere;

    /// <summary>Counts a row read again, in its bucket as the warehouse computed it.</summary>
    public void Count(MappedRow row, int? bucket)
    {
        if (row.Key is null || bucket is not { } b)
        {
            _keyless++;
        }
        else if (_read.TryGetValue(b, out var read))
        {
            _read[b] = read + 1;
        }
        else
        {
            _elsewhere++;
        }
    }

    /// <summary>Throws unless the second read found what the first counted.</summary>
    public void Verify()
    {
        var differ = _read.Count(r => (uint)r.Value != model.RowsIn(r.Key));
        if (differ > 0 || _elsewhere > 0 || _keyless != keyless)
        {
            throw new WarehouseException(
                $"sync '{context.Sync.Name}': model '{context.Model.Name}' returned other rows when read again than when first read in this run " +
                $"({differ} of the {_read.Count} key buckets read again hold another count of rows, {_elsewhere} rows are of other buckets, {_keyless} rows have no key against {keyless}): " +
                "it changed while the run read it; no key was taken for removed, and the next run reads it again");
        }
    }
}

/// <summary>What the second read of <see cref="WorkerBuckets"/> reads: the rows <paramref name="Where"/> selects (null: every row) against <paramref name="Stored"/> (null: the whole state).</summary>
internal sealed record WorkerRead(string? Where, Func<CancellationToken, IAsyncEnumerable<StoredRecord>>? Stored)
{
    /// <summary>Every row, in key order, against the whole state.</summary>
    public static WorkerRead Every { get; } = new(null, null);

    /// <summary>As <see cref="Every"/>, the first read left unread (the key's type does not stream): the rows are counted as read once.</summary>
    public static WorkerRead Unread { get; } = new(null, null) { Again = false };

    /// <summary>Whether the rows read next are read a second time (counted apart).</summary>
    public bool Again { get; init; } = true;

    /// <summary>For some buckets only: what that read must find again.</summary>
    public RereadCheck? Check { get; init; }
}
