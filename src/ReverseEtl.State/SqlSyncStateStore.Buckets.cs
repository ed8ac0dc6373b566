using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Org.BouncyCastle.Crypto.Digests;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>
/// Each record's key bucket (<c>sync_records.key_bucket</c>, see <see cref="IKeyBucketStore"/>): summed per bucket for
/// <c>diff: warehouse</c>, and a filter on the keys it reads. Every write of a record sets it; a record stored before the
/// upgrade, or written by a worker of an older version, has none until its sync's next bucket sum fills it.
/// </summary>
public abstract partial class SqlSyncStateStore : IKeyBucketStore
{
    /// <summary>All 60 bits set: the part of a key that matched is this minus its row hash's part (each store's sums).</summary>
    protected const long PartMask = (1L << 60) - 1;

    [ThreadStatic]
    private static MD5Digest? t_md5;

    /// <summary>A key's bucket: the first 32 bits of the md5 of its UTF-8 text, big-endian.</summary>
    /// <remarks>
    /// BouncyCastle's managed md5, as the worker's own bucket sums use: it runs on every record written, where the
    /// platform's goes to OpenSSL for each key (about five times slower on short keys) and is refused on a FIPS host.
    /// </remarks>
    public static long KeyBucket(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var digest = t_md5 ??= new MD5Digest();
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[512] : new byte[length]; // no array for the usual short key
        digest.BlockUpdate(utf8[..Encoding.UTF8.GetBytes(key, utf8)]);
        Span<byte> md5 = stackalloc byte[16];
        digest.DoFinal(md5);
        return BinaryPrimitives.ReadUInt32BigEndian(md5);
    }

    /// <summary>
    /// The sums from the stored buckets; where some record of the sync has none (stored before the upgrade, or written
    /// since by a worker of an older version), its buckets are filled first (<see cref="FillKeyBucketsAsync"/>) and the
    /// sums taken again. False, with nothing added, only when some record still has none (another writer held it, or an
    /// older worker wrote it meanwhile): the caller hashes every key, as before.
    /// </summary>
    public Task<bool> SumKeyBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken) =>
        SumByKeyAsync(sync, bits, SummedHash.Row, into, cancellationToken);

    public Task<bool> SumPayloadBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken) =>
        SumByKeyAsync(sync, bits, SummedHash.Payload, into, cancellationToken);

    private async Task<bool> SumByKeyAsync(string sync, int bits, SummedHash hash, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (await SumStoredBucketsAsync(sync, bits, hash, into, cancellationToken))
        {
            return true;
        }

        into.Clear();
        await FillKeyBucketsAsync(sync, cancellationToken);
        if (await SumStoredBucketsAsync(sync, bits, hash, into, cancellationToken))
        {
            return true;
        }

        into.Clear();
        return false;
    }

    /// <summary>
    /// Adds to <paramref name="into"/>, per bucket, the sums of the stored keys: their count, the sum of their parts (the
    /// top 60 bits of the row hash, or for a matched key their complement to <see cref="PartMask"/>; of the payload hash,
    /// <see cref="PayloadBucketPart"/>) modulo 2^64 and whether some have none (0). False as soon as a record without
    /// its bucket is met (what was added, the caller clears).
    /// </summary>
    protected abstract Task<bool> SumStoredBucketsAsync(string sync, int bits, SummedHash hash, IBucketSumTarget into, CancellationToken cancellationToken);

    /// <summary>The stored hash a key's part is taken from: the warehouse's row hash (<c>diff: warehouse</c>) or the payload hash (<c>diff: worker</c>).</summary>
    protected enum SummedHash
    {
        Row,
        Payload,
    }

    public abstract Task<bool> SumRowHashBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken);

    /// <summary>What a store's sums throw for a bucket outside 32 bits, which only a hand edit of the table leaves.</summary>
    protected static StateStoreException BucketOutOfRange(string sync) =>
        new($"sync_records.key_bucket of sync '{sync}' holds a value that is not a 32-bit key bucket; set it to null and the next run fills it again");

    public IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return ReadInBucketsAsync("(key_bucket >> @shift)", new { sync, shift = 32 - bits, buckets = BucketList(buckets) }, cancellationToken);
    }

    public IAsyncEnumerable<StoredRecord> ReadRecordsByRowHashAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return ReadInBucketsAsync("((row_hash >> 4) & @mask)", new { sync, mask = (1L << bits) - 1, buckets = BucketList(buckets) }, cancellationToken);
    }

    // The records of @sync whose bucket (an SQL expression of the record) is in @buckets, in key order.
    private async IAsyncEnumerable<StoredRecord> ReadInBucketsAsync(string bucket, object parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var sql = $"select key, hash, matched, row_hash from sync_records where sync = @sync and {bucket} {BucketIn} order by key{KeyCollation}";
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = new RecordState(unchecked((ulong)reader.GetInt64(1)), reader.GetBoolean(2), unchecked((ulong)reader.GetInt64(3)));
            yield return new StoredRecord(reader.GetString(0), state);
        }
    }

    /// <summary>How this dialect tests a bucket number against the parameter <c>@buckets</c> that <see cref="BucketList"/> made.</summary>
    protected virtual string BucketIn => "in (select value from json_each(@buckets))";

    /// <summary>Bucket numbers as this dialect's <see cref="BucketIn"/> reads them: a JSON array on SQLite.</summary>
    protected virtual object BucketList(IReadOnlyCollection<int> buckets) => System.Text.Json.JsonSerializer.Serialize(buckets);
}
