using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The bucket comparison of <c>diff: warehouse</c>: per bucket of keys (the first bits of the md5 of the key's text), the
/// row count and the sum of each row's part, which does not depend on the order rows come in. The sync state's keys are
/// added here (by the store, <see cref="IBucketSumTarget"/>, or key by key) and the warehouse's totals for the model's
/// rows (<see cref="ModelQuery.BuildBuckets"/>) taken away again; a bucket left with a count or sum holds a change. Both
/// are kept modulo their width (2^32 rows, 2^64 for sums of parts below 2^60, so one changed row always shows): 12 bytes
/// and a bit a bucket, 3 MiB at 3M keys, whatever the number of keys.
/// </summary>
internal sealed class BucketSums(int bits, bool marksUnknown = true) : IBucketSumTarget
{
    [ThreadStatic]
    private static MD5Digest? t_md5;

    private readonly uint[] _rows = new uint[1 << bits];
    private readonly ulong[] _sums = new ulong[1 << bits];
    private readonly ulong[] _unknown = new ulong[Math.Max(1, (1 << bits) / 64)];

    /// <summary>The bits of a bucket number: there are 2^Bits buckets.</summary>
    public int Bits { get; } = bits;

    public int Count => _rows.Length;

    /// <summary>The bits to use for <paramref name="keys"/> keys: about 16 keys a bucket, from 2^4 to 2^20 buckets.</summary>
    /// <remarks>
    /// At 1% of keys changed, a bucket of 32 keys differs 27% of the time and one of 16 keys 15%: the key rows read
    /// fall by 120,000 at a million keys for 32,768 more bucket rows, each about as wide (at 0.1%, 3.1% of key rows → 1.5%).
    /// </remarks>
    public static int BitsFor(long keys) => Math.Clamp((int)Math.Round(Math.Log2(Math.Max(1, keys) / 16.0)), 4, 20);

    /// <summary>The bucket of a key: the first <paramref name="bits"/> bits of the md5 of its UTF-8 text, big-endian.</summary>
    /// <remarks>BouncyCastle's managed md5: the platform's goes to OpenSSL for every key, about 5 times slower on short keys.</remarks>
    public static int Of(string key, int bits)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[512];
            var written = Encoding.UTF8.GetBytes(key, utf8);
            Span<byte> md5 = stackalloc byte[16];
            var digest = t_md5 ??= new MD5Digest();
            digest.BlockUpdate(utf8[..written]);
            digest.DoFinal(md5);
            return (int)(BinaryPrimitives.ReadUInt32BigEndian(md5) >> (32 - bits));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The row-hash bucket of a row hash (<see cref="ModelQuery.BuildRowHashBuckets"/>): its part's lowest <paramref name="bits"/> bits.</summary>
    public static int OfRowHash(ulong rowHash, int bits) => (int)((rowHash >> 4) & ((1UL << bits) - 1));

    /// <summary>Whether some key added has no row hash (last written by <c>diff: worker</c>).</summary>
    public bool AnyUnknown => Array.Exists(_unknown, word => word != 0);

    /// <summary>The count of <paramref name="bucket"/>, modulo 2^32.</summary>
    public uint RowsIn(int bucket) => _rows[bucket];

    /// <summary>The keys added, less those taken away.</summary>
    public long Keys { get; private set; }

    /// <summary>A row's part: the first 60 bits of its row hash, or <see cref="ModelQuery.PartMask"/> minus them when it matches.</summary>
    public static ulong Part(ulong rowHash, bool matches) => matches ? ModelQuery.PartMask - (rowHash >> 4) : rowHash >> 4;

    /// <summary>Adds a stored key. A key whose row hash is unknown (0: last written by <c>diff: worker</c>) marks its bucket as changed.</summary>
    public void Add(string key, RecordState state) => Add(Of(key, Bits), 1, Part(state.RowHash, state.Matched), state.RowHash == 0);

    /// <summary>
    /// Adds a stored key to the bucket of its row hash's part (<see cref="ModelQuery.BuildRowHashBuckets"/>): the part's
    /// lowest bits. A key whose row hash is unknown marks its bucket as changed.
    /// </summary>
    public void AddByRowHash(RecordState state) => Add(OfRowHash(state.RowHash, Bits), 1, Part(state.RowHash, state.Matched), state.RowHash == 0);

    /// <summary>
    /// Adds a bucket's total (or a part of it), as a store that keeps each key's bucket counted it, or the snapshot's
    /// side of its check; <paramref name="unknownRowHash"/>: some key has no row hash.
    /// </summary>
    public void Add(int bucket, long rows, ulong sum, bool unknownRowHash)
    {
        _rows[bucket] = unchecked(_rows[bucket] + (uint)rows);
        _sums[bucket] = unchecked(_sums[bucket] + sum);
        Keys += rows;
        if (unknownRowHash && marksUnknown)
        {
            _unknown[bucket >> 6] |= 1UL << bucket;
        }
    }

    /// <summary>Takes away a bucket's total as the other side (the warehouse) counted it: a bucket where both sides agree is left at zero.</summary>
    public void Take(int bucket, long rows, ulong sum)
    {
        _rows[bucket] = unchecked(_rows[bucket] - (uint)rows);
        _sums[bucket] = unchecked(_sums[bucket] - sum);
        Keys -= rows;
    }

    public void Clear()
    {
        Keys = 0;
        Array.Clear(_rows);
        Array.Clear(_sums);
        Array.Clear(_unknown);
    }

    /// <summary>The buckets left with a count or sum once the other side was taken away (<see cref="Take"/>), or with a key of unknown row hash.</summary>
    public List<int> Differing()
    {
        var differing = new List<int>();
        for (var bucket = 0; bucket < _rows.Length; bucket++)
        {
            if (_rows[bucket] != 0 || _sums[bucket] != 0 || Unknown(bucket))
            {
                differing.Add(bucket);
            }
        }

        return differing;
    }

    /// <summary>The buckets where this side and <paramref name="other"/> differ, or where either holds a key of unknown row hash.</summary>
    public List<int> Differing(BucketSums other)
    {
        var differing = new List<int>();
        for (var bucket = 0; bucket < _rows.Length; bucket++)
        {
            if (_rows[bucket] != other._rows[bucket] || _sums[bucket] != other._sums[bucket] || Unknown(bucket) || other.Unknown(bucket))
            {
                differing.Add(bucket);
            }
        }

        return differing;
    }

    private bool Unknown(int bucket) => (_unknown[bucket >> 6] & (1UL << bucket)) != 0;
}
