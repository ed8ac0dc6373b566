using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Postgres;

// The key buckets of diff: warehouse: a generated column (migration 0009), summed in the database.
public sealed partial class PostgresSyncStateStore
{
    /// <summary>
    /// Sums in the database (a hash aggregate: one row per bucket crosses the network rather than one per key). The
    /// row-hash parts are summed in two 30-bit halves, so that no sum passes 64 bits. Null where the database's encoding
    /// is not UTF-8 (md5 of a key's text would not be that of its UTF-8 bytes).
    /// </summary>
    public override async Task<IReadOnlyList<KeyBucketSum>?> SumKeyBucketsAsync(string sync, int bits, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var encoding = await connection.ExecuteScalarAsync<string>(new CommandDefinition("select current_setting('server_encoding')", cancellationToken: cancellationToken));
        if (encoding is not ("UTF8" or "SQL_ASCII"))
        {
            return null;
        }

        var rows = await connection.QueryAsync<(int Bucket, long Rows, long High, long Low, long Unknown)>(new CommandDefinition(
            """
            select cast(key_bucket >> @shift as integer), count(*), cast(sum((p >> 30) & 1073741823) as bigint),
                   cast(sum(p & 1073741823) as bigint), count(*) filter (where row_hash = 0)
            from (select key_bucket, row_hash, case when matched then ~(row_hash >> 4) else row_hash >> 4 end as p
                  from sync_records where sync = @sync) as r
            group by 1
            """,
            new { sync, shift = 32 - bits }, cancellationToken: cancellationToken));
        return rows.Select(r => new KeyBucketSum(r.Bucket, r.Rows, ((UInt128)(ulong)r.High << 30) + (ulong)r.Low, r.Unknown)).ToList();
    }

    protected override string BucketIn => "= any(@buckets)";

    protected override object BucketList(IReadOnlyCollection<int> buckets) => buckets.ToArray();

    protected override (string Column, string Value) KeyBucketInsert => ("", "");
}
