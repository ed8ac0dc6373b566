using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// The snapshot's row hashes as numbers: the first 15 hex digits cast as a <c>'0x…'</c> bigint for the check by
/// buckets, all 16 as a ubigint for the diff's join.
/// </summary>
public sealed partial class DuckDbWarehouse : IWarehouseSnapshotBuckets
{
    public string StoredHashPart(string hexText) => $"try_cast('0x' || substr({hexText}, 1, 15) as bigint)";

    // 8 bytes in the join's hash table instead of a 16-character string (DuckDB keeps up to 12 inline): at a million keys
    // the join fits the default memory limit instead of spilling. Only 16 digits: '0x0ab…' and '0xab…' are one number.
    public string StoredHash(string hexText) => $"(case when length({hexText}) = 16 then try_cast('0x' || {hexText} as ubigint) end)";

    // The number the row hash's text was printed from (or its md5's first 16 digits read back): about a fifth of the
    // nothing-changed diff's time at a million rows went to reading each model row's hash back from its text.
    public string RowHashNumber(string rowName, string salt) =>
        $"(case when {HashesLoosely(rowName)} then try_cast('0x' || substr({Md5(rowName, salt)}, 1, 16) as ubigint) else {Hash(rowName, salt)} end)";
}
