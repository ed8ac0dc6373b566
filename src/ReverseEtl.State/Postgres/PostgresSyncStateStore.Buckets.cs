using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Postgres;

// Key buckets on PostgreSQL: computed by the worker (BouncyCastle's md5, as SQLite's; PostgreSQL's md5() is refused on a
// FIPS server) and written with every record (migration 0009); summed by PostgreSQL itself.
public sealed partial class PostgresSyncStateStore
{
    // Each key's part split into its high and low 30 bits, so that PostgreSQL sums integers into bigints (sum(bigint)
    // would go through numeric): 2^30 a key, so a bucket may hold 2^33 keys before a sum overflows. A null bucket groups
    // alone, which is how a record without its bucket shows.
    private static readonly string Sums = $"""
        select key_bucket >> @shift as bucket, count(*) as rows, sum((part >> 30)::integer) as high,
               sum((part & {(1 << 30) - 1})::integer) as low, count(*) filter (where row_hash = 0) as unknown
        from (select key_bucket, row_hash,
                     case when matched then {PartMask} - ((row_hash >> 4) & {PartMask}) else (row_hash >> 4) & {PartMask} end as part
              from sync_records where sync = @sync) as r
        group by 1
        """;

    // As Sums, each record in the bucket of its row hash: the lowest bits (@mask) of the hash's first 60 bits.
    private static readonly string RowHashSums = $"""
        select (row_hash >> 4) & {PartMask} & @mask as bucket, count(*) as rows, sum((part >> 30)::integer) as high,
               sum((part & {(1 << 30) - 1})::integer) as low, count(*) filter (where row_hash = 0) as unknown
        from (select row_hash,
                     case when matched then {PartMask} - ((row_hash >> 4) & {PartMask}) else (row_hash >> 4) & {PartMask} end as part
              from sync_records where sync = @sync) as r
        group by 1
        """;

    protected override ILogger Logger => _logger;

    public override async Task<bool> SumRowHashBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Bucket, long Rows, long High, long Low, long Unknown)>(
            new CommandDefinition(RowHashSums, new { sync, mask = (1L << bits) - 1 }, cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            into.Add((int)row.Bucket, row.Rows, Sum(row.High, row.Low), row.Unknown > 0);
        }

        return true;
    }

    protected override bool KeyBucketInRows => true;

    protected override string BucketIn => "= any(@buckets)";

    protected override object BucketList(IReadOnlyCollection<int> buckets) => buckets.Select(b => (long)b).ToArray();

    protected override async Task<bool> SumStoredBucketsAsync(string sync, int bits, SummedHash hash, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        if (hash == SummedHash.Payload)
        {
            return await SumPayloadPartsAsync(sync, bits, into, cancellationToken);
        }

        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long? Bucket, long Rows, long High, long Low, long Unknown)>(
            new CommandDefinition(Sums, new { sync, shift = 32 - bits }, cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            if (row.Bucket is not { } bucket)
            {
                return false;
            }

            // Only a hand edit leaves a bucket outside 32 bits: negative, or past this many bits once shifted.
            if (bucket < 0 || bucket >= 1L << bits)
            {
                throw BucketOutOfRange(sync);
            }

            into.Add((int)bucket, row.Rows, Sum(row.High, row.Low), row.Unknown > 0);
        }

        return true;
    }

    // diff: worker's sums: each record's part computed here, of its key's text, payload hash and match (PayloadBucketPart,
    // which PostgreSQL cannot compute), streamed in no order.
    private async Task<bool> SumPayloadPartsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "select key_bucket, key, hash, matched from sync_records where sync = @sync", new { sync }, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0))
            {
                return false;
            }

            var bucket = reader.GetInt64(0);
            var hash = unchecked((ulong)reader.GetInt64(2));
            into.Add(bucket is >= 0 and <= uint.MaxValue ? (int)(bucket >> (32 - bits)) : throw BucketOutOfRange(sync), 1,
                PayloadBucketPart.Of(reader.GetString(1), hash, reader.GetBoolean(3)), hash == 0);
        }

        return true;
    }

    // A bucket's sum from its halves' sums, modulo 2^64 as the worker compares them.
    private static ulong Sum(long high, long low) => unchecked(((ulong)high << 30) + (ulong)low);

    // Only records no other transaction holds (skip locked): the fill never waits for a run's writes, so it cannot
    // deadlock with them; a record passed over keeps no bucket for now, the sums then refuse (the worker hashes the keys
    // this once) and the next sum fills it.
    protected override Task<int> SetKeyBucketsAsync(DbConnection connection, DbTransaction transaction, string sync, IReadOnlyList<string> keys) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            with free as (select key from sync_records where sync = @sync and key = any(@keys) and key_bucket is null for update skip locked)
            update sync_records s set key_bucket = u.b from free join unnest(@keys, @buckets) as u(k, b) on u.k = free.key
            where s.sync = @sync and s.key = free.key
            """,
            new { sync, keys = keys.ToArray(), buckets = keys.Select(KeyBucket).ToArray() }, transaction));
}
