using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// Bucket comparison for <c>diff: warehouse</c>: the key's bucket is hex digits of md5 read as a whole number (<c>'0x…'</c>
/// casts); the row's part is the row hash's first 60 bits, shifted out of <c>hash</c> or read from the md5's hex digits.
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouseBuckets
{
    /// <summary>Any length: DuckDB takes one list of every bucket, its expression computed once a row (as three lists of 10,000, the key read of a 3M-row plan took 1.7 s longer).</summary>
    public int MaxListItems => int.MaxValue;

    public string KeyBucket(string keyText, int bits) =>
        $"(cast('0x' || substr(md5({keyText}), 1, 8) as bigint) // {1L << (32 - Bits(bits))})";

    public string RowHashPart(string rowName, string salt) =>
        $"(case when {HashesLoosely(rowName)} then cast('0x' || substr({Md5(rowName, salt)}, 1, 15) as bigint) else cast({Hash(rowName, salt)} >> 4 as bigint) end)";

    public string BucketableKey(string column) =>
        $"(typeof({column}) in ('VARCHAR', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'DATE', 'UUID'))";

    private static int Bits(int bits) => bits is >= 1 and <= 32 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a key bucket has 1 to 32 bits");
}
