using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// The snapshot check by buckets: a stored row hash's first 15 hex digits parsed with the hex format model (one
/// <c>X</c> per digit; upper case, as the format model prints them), null where they are not hex.
/// </summary>
public sealed partial class SnowflakeWarehouse : IWarehouseSnapshotBuckets
{
    public string StoredHashPart(string hexText) => $"try_to_number(upper(substr({hexText}, 1, 15)), 'XXXXXXXXXXXXXXX')";

    public string StoredHash(string hexText) => hexText;

    public string? RowHashNumber(string rowName, string salt) => null; // the text is what Snowflake compares; an md5 again would cost more
}
