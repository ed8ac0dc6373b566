using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>Bucket comparison for <c>diff: warehouse</c>: hex digits of md5 read as whole numbers (<c>'0x…'</c> casts).</summary>
public sealed partial class DuckDbWarehouse : IWarehouseBuckets
{
    public string KeyBucket(string keyText, int bits) =>
        $"(cast('0x' || substr(md5({keyText}), 1, 8) as bigint) // {1L << (32 - Bits(bits))})";

    public string RowHashPart(string rowName) => $"cast('0x' || substr({RowHash(rowName)}, 1, 15) as bigint)";

    public string BucketableKey(string column) =>
        $"(typeof({column}) in ('VARCHAR', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'HUGEINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'DATE'))";

    private static int Bits(int bits) => bits is >= 1 and <= 32 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a key bucket has 1 to 32 bits");
}
