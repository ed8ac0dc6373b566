using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What the second read of <see cref="WorkerBuckets"/> should find again: per bucket read, as many rows as the first read
/// counted, and none of another bucket. A bucket with another count changed between the two reads (a row inserted or
/// deleted meanwhile, or a table reloaded): what was read of it stands, but a key of it that the second read misses is
/// not taken for removed this run (it may be a row the reload had not written back yet); the next run compares it again.
/// A row of a bucket not asked for means the warehouse buckets keys differently from one read to the next: the run fails.
/// </summary>
internal sealed class RereadCheck(SyncRunContext context, BucketSums model, IReadOnlyCollection<int> buckets)
{
    private readonly Dictionary<int, long> _read = buckets.ToDictionary(b => b, _ => 0L);
    private HashSet<int> _moved = [];
    private long _elsewhere;

    /// <summary>Counts a row read again, in its bucket as the warehouse computed it (a keyless row has none).</summary>
    public void Count(MappedRow row, long? bucket)
    {
        if (row.Key is null || bucket is not { } b)
        {
            return;
        }

        if (b is >= 0 and <= int.MaxValue && _read.TryGetValue((int)b, out var read))
        {
            _read[(int)b] = read + 1;
        }
        else
        {
            _elsewhere++;
        }
    }

    /// <summary>Once the last row is read: notes the buckets whose count changed, and throws if a row came from a bucket not asked for.</summary>
    public void Verify()
    {
        if (_elsewhere > 0)
        {
            throw new WarehouseException(
                $"sync '{context.Sync.Name}': model '{context.Model.Name}' gave {_elsewhere} rows of key buckets other than those asked for when read again " +
                "in this run: the connection's warehouse computed a key's bucket differently from one read to the next; no key was taken for removed");
        }

        _moved = [.. _read.Where(r => (uint)r.Value != model.RowsIn(r.Key)).Select(r => r.Key)];
        if (_moved.Count > 0)
        {
            context.Log.ModelChangedBetweenReads(context.Sync.Name, context.Model.Name, _moved.Count, _read.Count);
        }
    }

    /// <summary>Whether a key found removed is held back: its bucket's count changed between the two reads.</summary>
    public bool HoldsRemoval(string key) => _moved.Count > 0 && _moved.Contains(BucketSums.Of(key, model.Bits));
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
