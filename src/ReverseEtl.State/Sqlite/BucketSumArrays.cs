using System.Collections;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Sqlite;

/// <summary>
/// The sums of the buckets that hold a key, read straight from the arrays the scan filled (indexed by bucket) rather
/// than copied into a list: at 3M keys (2^18 buckets) the list was 10 MiB, and its growth as much again, all in the
/// large-object heap, which only a full collection empties; a nothing-changed <c>diff: warehouse</c> run peaked up to
/// 31 MiB higher when the list was made before DuckDB had let go of its memory.
/// </summary>
internal sealed class BucketSumArrays : IReadOnlyList<KeyBucketSum>
{
    private readonly long[] _rows;
    private readonly ulong[] _low;
    private readonly ulong[] _high;
    private readonly long[] _unknown;
    private int[]? _held;

    public BucketSumArrays(long[] rows, ulong[] low, ulong[] high, long[] unknown)
    {
        (_rows, _low, _high, _unknown) = (rows, low, high, unknown);
        Count = rows.Count(r => r > 0);
    }

    public int Count { get; }

    public KeyBucketSum this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return At((_held ??= Held())[index]);
        }
    }

    public IEnumerator<KeyBucketSum> GetEnumerator()
    {
        for (var bucket = 0; bucket < _rows.Length; bucket++)
        {
            if (_rows[bucket] > 0)
            {
                yield return At(bucket);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private KeyBucketSum At(int bucket) => new(bucket, _rows[bucket], new UInt128(_high[bucket], _low[bucket]), _unknown[bucket]);

    private int[] Held() => [.. Enumerable.Range(0, _rows.Length).Where(b => _rows[b] > 0)];
}
