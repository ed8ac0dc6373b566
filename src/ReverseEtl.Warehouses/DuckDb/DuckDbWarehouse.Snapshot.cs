using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>The snapshot check by buckets: a stored row hash's first 15 hex digits cast as a <c>'0x…'</c> number.</summary>
public sealed partial class DuckDbWarehouse : IWarehouseSnapshotBuckets
{
    public string StoredHashPart(string hexText) => $"try_cast('0x' || substr({hexText}, 1, 15) as bigint)";
}
