using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Bucket comparison for <c>diff: warehouse</c>: the key's bucket is the md5's first 32 bits, taken from
/// <c>md5_number</c> (which reads the digest's bytes little-endian, so they are swapped back); the row's part is the row
/// hash's first 60 bits, shifted out of <c>hash</c> or read from the md5's hex digits.
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouseBuckets
{
    /// <summary>Any length: DuckDB takes one list of every bucket, its expression computed once a row (as three lists of 10,000, the key read of a 3M-row plan took 1.7 s longer).</summary>
    public int MaxListItems => int.MaxValue;

    /// <remarks>
    /// The md5's first four bytes are the lowest of <c>md5_number</c>, in reverse order: read once, through a lambda, so
    /// that a filter (which DuckDB does not rid of a repeated expression) hashes each key once. At 1M keys on one thread
    /// this took 0.18 s against 0.25–0.26 s for the md5's hex digits cast as <c>'0x…'</c>. DuckDB's bitwise operators
    /// share one precedence, hence every parenthesis.
    /// </remarks>
    public string KeyBucket(string keyText, int bits) =>
        $"list_transform([cast(md5_number({keyText}) & {uint.MaxValue} as bigint)], lambda retl_m__: "
        + $"(((retl_m__ & 255) << 24) | ((retl_m__ & 65280) << 8) | ((retl_m__ >> 8) & 65280) | ((retl_m__ >> 24) & 255)) >> {32 - Bits(bits)})[1]";

    public string RowHashPart(string rowName, string salt) =>
        $"(case when {HashesLoosely(rowName)} then cast('0x' || substr({Md5(rowName, salt)}, 1, 15) as bigint) else cast({Hash(rowName, salt)} >> 4 as bigint) end)";

    public string BucketableKey(string column) =>
        $"(typeof({column}) in ('VARCHAR', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'DATE', 'UUID'))";

    private static int Bits(int bits) => bits is >= 1 and <= 32 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a key bucket has 1 to 32 bits");
}
