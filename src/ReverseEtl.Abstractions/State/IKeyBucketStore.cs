namespace ReverseEtl.Abstractions.State;

/// <summary>
/// A record store that keeps each key's bucket with its state: the first 32 bits of the md5 of the key's UTF-8 text,
/// big-endian, as an unsigned number. <c>diff: warehouse</c> compares per-bucket sums with the warehouse's; with the
/// bucket stored, the store sums without hashing every key on every run, and reads only the keys of the buckets that differ.
/// </summary>
public interface IKeyBucketStore
{
    /// <summary>
    /// Per bucket of the first <paramref name="bits"/> bits, adds the keys of <paramref name="sync"/> to
    /// <paramref name="into"/>: their count, the sum of their parts (the first 60 bits of the row hash, or 2^60 − 1 minus
    /// them when the key matched) and whether some has no row hash (0); a bucket may be added in parts, in any order.
    /// False, with nothing added, when some key's bucket is not stored (a record written by an older version, or a
    /// database that cannot hash text as UTF-8): the caller hashes every key.
    /// </summary>
    Task<bool> SumKeyBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SumKeyBucketsAsync"/>, but each key's part that of its key's text, payload hash (what
    /// <c>diff: worker</c> compares) and match (<see cref="PayloadBucketPart"/>), and a key whose payload hash is 0
    /// counted as unknown. False, with nothing added (a store that does not sum them, or some key's bucket not stored):
    /// the caller streams the stored records and sums them itself.
    /// </summary>
    Task<bool> SumPayloadBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    /// <summary>
    /// As <see cref="SumKeyBucketsAsync"/>, but each key counted in the bucket of its row hash instead of its key: the
    /// lowest <paramref name="bits"/> bits of the row hash's first 60 bits (a key of several columns, whose text the
    /// warehouse cannot write). A key without a row hash counts in bucket 0, as unknown. False, with nothing added (a
    /// store that does not sum them): the caller streams the stored records and sums them itself.
    /// </summary>
    Task<bool> SumRowHashBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    /// <summary>
    /// The state of the keys of <paramref name="sync"/> in <paramref name="buckets"/> (of the first <paramref name="bits"/>
    /// bits), streamed in <see cref="KeyOrder"/>. Only after <see cref="SumKeyBucketsAsync"/> or
    /// <see cref="SumPayloadBucketsAsync"/> returned true for the same run.
    /// </summary>
    IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken);

    /// <summary>
    /// The state of the keys of <paramref name="sync"/> whose row hash is in <paramref name="buckets"/> (as
    /// <see cref="SumRowHashBucketsAsync"/> buckets them), streamed in <see cref="KeyOrder"/>. Null (a store that does
    /// not filter them): the caller streams every stored record and filters them itself.
    /// </summary>
    IAsyncEnumerable<StoredRecord>? ReadRecordsByRowHashAsync(string sync, int bits, IReadOnlyCollection<int> buckets, CancellationToken cancellationToken) => null;
}

/// <summary>
/// Where a store adds its sums (<see cref="IKeyBucketStore.SumKeyBucketsAsync"/>), bucket by bucket or key by key, in any
/// order: the worker's own accumulator, so that no list or array of the store's stands between the two.
/// </summary>
public interface IBucketSumTarget
{
    /// <summary>
    /// Adds <paramref name="rows"/> keys to <paramref name="bucket"/>: <paramref name="sum"/> is the sum of their parts
    /// modulo 2^64 (a part is below 2^60, so one changed key always changes it), and <paramref name="unknownRowHash"/>
    /// whether some key has no row hash.
    /// </summary>
    void Add(int bucket, long rows, ulong sum, bool unknownRowHash);

    /// <summary>Forgets everything added: a store that met a key without its bucket starts again, or gives up.</summary>
    void Clear();
}
