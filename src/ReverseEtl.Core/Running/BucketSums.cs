using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// One side of the bucket comparison of <c>diff: warehouse</c>: per bucket of keys (the first bits of the md5 of the key's
/// text), the row count and the sum of each row's part, which does not depend on the order rows come in. The worker
/// adds the sync state's keys here as the warehouse adds the model's rows (<see cref="ModelQuery.BuildBuckets"/>); a
/// bucket whose count or sum differ holds a change. Memory is a few bytes per bucket, whatever the number of keys.
/// </summary>
internal sealed class BucketSums
{
    [ThreadStatic]
    private static MD5Digest? t_md5;

    private readonly long[] _rows;
    private readonly UInt128[] _sums;
    private readonly bool[] _unknown;

    public BucketSums(int bits)
    {
        Bits = bits;
        _rows = new long[1 << bits];
        _sums = new UInt128[1 << bits];
        _unknown = new bool[1 << bits];
    }

    /// <summary>The bits of a bucket number: there are 2^Bits buckets.</summary>
    public int Bits { get; }

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
    public bool AnyUnknown => Array.IndexOf(_unknown, true) >= 0;

    /// <summary>A row's part: the first 60 bits of its row hash, or <see cref="ModelQuery.PartMask"/> minus them when it matches.</summary>
    public static UInt128 Part(ulong rowHash, bool matches) => matches ? ModelQuery.PartMask - (rowHash >> 4) : rowHash >> 4;

    /// <summary>Adds a stored key. A key whose row hash is unknown (0: last written by <c>diff: worker</c>) marks its bucket as changed.</summary>
    public void Add(string key, RecordState state)
    {
        var bucket = Of(key, Bits);
        _rows[bucket]++;
        _sums[bucket] += Part(state.RowHash, state.Matched);
        _unknown[bucket] |= state.RowHash == 0;
    }

    /// <summary>
    /// Adds a stored key to the bucket of its row hash's part (<see cref="ModelQuery.BuildRowHashBuckets"/>): the part's
    /// lowest bits. A key whose row hash is unknown marks its bucket as changed.
    /// </summary>
    public void AddByRowHash(RecordState state)
    {
        var bucket = OfRowHash(state.RowHash, Bits);
        _rows[bucket]++;
        _sums[bucket] += Part(state.RowHash, state.Matched);
        _unknown[bucket] |= state.RowHash == 0;
    }

    /// <summary>Adds a bucket's total as the warehouse (or a store that keeps each key's bucket) counted it; <paramref name="unknown"/>: some key has no row hash.</summary>
    public void Set(int bucket, long rows, UInt128 sum, bool unknown = false)
    {
        _rows[bucket] += rows;
        _sums[bucket] += sum;
        _unknown[bucket] |= unknown;
    }

    /// <summary>The buckets where this side and <paramref name="other"/> differ, or where this side holds a key of unknown row hash.</summary>
    public List<int> Differing(BucketSums other)
    {
        var differing = new List<int>();
        for (var bucket = 0; bucket < _rows.Length; bucket++)
        {
            if (_unknown[bucket] || other._unknown[bucket] || _rows[bucket] != other._rows[bucket] || _sums[bucket] != other._sums[bucket])
            {
                differing.Add(bucket);
            }
        }

        return differing;
    }
}
