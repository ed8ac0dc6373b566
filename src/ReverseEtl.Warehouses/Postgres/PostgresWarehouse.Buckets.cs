using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Postgres;

/// <summary>Bucket comparison for <c>diff: warehouse</c>: hex digits of md5 read as whole numbers through <c>bit(n)</c>.</summary>
/// <remarks>
/// A key's bucket hashes the key's UTF-8, as the worker computes it from the state, whatever the database's encoding:
/// in a LATIN1 database the md5 of the text itself hashed its LATIN1 bytes, and every key with a letter outside ASCII fell
/// in another bucket than the state's (a nothing-changed run then read every key row).
/// </remarks>
public sealed partial class PostgresWarehouse : IWarehouseBuckets
{
    /// <summary>Any length: PostgreSQL takes one list of every bucket (a hashed lookup), its expression computed once a row.</summary>
    public int MaxListItems => int.MaxValue;

    public string KeyBucket(string keyText, int bits) =>
        $"(('x' || substr(md5(convert_to({keyText}, 'UTF8')), 1, 8))::bit(32)::bigint / {1L << (32 - Bits(bits))})";

    public string RowHashPart(string rowName, string salt) => $"('x' || substr({RowHash(rowName, salt)}, 1, 15))::bit(60)::bigint";

    public string BucketableKey(string column) =>
        $"pg_typeof({column}) in ('text'::regtype, 'character varying'::regtype, 'smallint'::regtype, 'integer'::regtype, 'bigint'::regtype, 'date'::regtype, 'uuid'::regtype)";

    private static int Bits(int bits) => bits is >= 1 and <= 32 ? bits : throw new ArgumentOutOfRangeException(nameof(bits), bits, "a key bucket has 1 to 32 bits");
}
