using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Bucket comparison for <c>diff: warehouse</c>: <c>md5_number_upper64</c> is the first 16 hex digits of <c>md5</c> as a
/// number, divided exactly (NUMBER arithmetic) and rounded down to keep its first bits.
/// </summary>
public sealed partial class SnowflakeWarehouse : IWarehouseBuckets
{
    public string KeyBucket(string keyText, int bits) =>
        $"floor(md5_number_upper64({keyText}) / {1UL << (64 - Bits(bits))})";

    public string RowHashPart(string rowName, string salt) => $"floor(md5_number_upper64({Literal(salt)} || to_json(object_construct_keep_null({rowName}.*))) / 16)";

    public string BucketableKey(string column) =>
        $"({column} is null or typeof(to_variant({column})) in ('VARCHAR', 'INTEGER', 'DATE'))";

    private static int Bits(int bits) => bits is >= 1 and <= 32 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a key bucket has 1 to 32 bits");
}
