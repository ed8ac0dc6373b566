namespace ReverseEtl.Abstractions.State;

/// <summary>
/// A record store that keeps each key's bucket with its state: the first 32 bits of the md5 of the key's UTF-8 text,
/// big-endian, as an unsigned number. <c>diff: warehouse</c> compares per-bucket sums with the warehouse's; with the
/// bucket stored, the store sums without hashing every key on every run, and reads only the keys of the buckets that differ.
/// </summary>
public interface IKeyBucketStore
{
    /// <summary>
    /// Per bucket of the first <paramref name="bits"/> bits, the keys of <paramref name="sync"/>: their count, the sum of
    /// their parts (the first 60 bits of the row hash, or 2^60 − 1 minus them when the key matched) and how many have
    /// no row hash (0). Buckets without keys are left out, in no order. Null when some key's bucket is not stored (a
    /// record written by an older version, or a database that cannot hash text as UTF-8): the caller hashes every key.
    /// </summary>
    Task<IReadOnlyList<KeyBucketSum>?> SumKeyBucketsAsync(string sync, int bits, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SumKeyBucketsAsync"/>, but each key counted in the bucket of its row hash instead of its key: the
    /// lowest <paramref name="bits"/> bits of the row hash's first 60 bits (a key of several columns, whose text the
    /// warehouse cannot write). A key without a row hash counts in bucket 0, as unknown. Null (a store that does not
    /// sum them): the caller streams the stored records and sums them itself.
    /// </summary>
    Task<IReadOnlyList<KeyBucketSum>?> SumRowHashBucketsAsync(string sync, int bits, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<KeyBucketSum>?>(null);

    /// <summary>
    /// The state of the keys of <paramref name="sync"/> in <paramref name="buckets"/> (of the first <paramref name="bits"/>
    /// bits), streamed in <see cref="KeyOrder"/>. Only after <see cref="SumKeyBucketsAsync"/> gave sums for the same run.
    /// </summary>
    IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken);

    /// <summary>
    /// The state of the keys of <paramref name="sync"/> whose row hash is in <paramref name="buckets"/> (as
    /// <see cref="SumRowHashBucketsAsync"/> buckets them), streamed in <see cref="KeyOrder"/>. Null (a store that does
    /// not filter them): the caller streams every stored record and filters them itself.
    /// </summary>
    IAsyncEnumerable<StoredRecord>? ReadRecordsByRowHashAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) => null;
}

/// <summary>One bucket's keys, as <see cref="IKeyBucketStore.SumKeyBucketsAsync"/> sums them.</summary>
public readonly record struct KeyBucketSum(int Bucket, long Rows, UInt128 Sum, long UnknownRowHashes);
