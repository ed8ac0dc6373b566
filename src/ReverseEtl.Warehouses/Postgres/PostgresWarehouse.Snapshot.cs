using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Postgres;

/// <summary>
/// The snapshot check by buckets: a stored row hash's first 15 hex digits read through <c>bit(60)</c>, once they are
/// known to be hex digits (the cast would fail the statement on any other).
/// </summary>
public sealed partial class PostgresWarehouse : IWarehouseSnapshotBuckets
{
    public string StoredHashPart(string hexText) =>
        $"(case when {hexText} ~ '^[0-9a-f]{{15}}' then ('x' || substr({hexText}, 1, 15))::bit(60)::bigint end)";

    public string StoredHash(string hexText) => hexText;

    public string? RowHashNumber(string rowName, string salt) => null; // the text is what PostgreSQL compares; an md5 again would cost more
}
