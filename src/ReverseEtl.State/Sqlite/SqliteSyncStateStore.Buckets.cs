using Microsoft.Data.Sqlite;
using ReverseEtl.Abstractions.State;
using SQLitePCL;

namespace ReverseEtl.State.Sqlite;

// Key bucket sums on SQLite: every record of the sync scanned and summed here, as SQLite's group by would sort them all
// (about five times the CPU of the scan at a million keys).
public sealed partial class SqliteSyncStateStore
{
    // Each record's bucket and, in its lowest bit, whether its row hash is unknown (-1: no bucket yet; -2: not a 32-bit
    // bucket, which only a hand edit leaves), then its part (PostgreSQL's Sums: a matched key counts the complement of its
    // row hash), computed by SQLite, so that a row is two whole numbers to read.
    private static readonly string ScanParts = $"""
        select {BucketCode("row_hash")},
               case when matched then {PartMask} - ((row_hash >> 4) & {PartMask}) else (row_hash >> 4) & {PartMask} end
        from sync_records where sync = ?1
        """;

    // As ScanParts for diff: worker's sums, each part computed here of the key's text, payload hash and match (PayloadBucketPart).
    private static readonly string ScanPayloadParts = $"select {BucketCode("hash")}, key, hash, matched from sync_records where sync = ?1";

    // As ScanParts, each record in the bucket of its row hash: the lowest bits (?2, a mask) of the hash's first 60 bits.
    private static readonly string ScanRowHashParts = $"""
        select ((((row_hash >> 4) & {PartMask}) & ?2) << 1) | (row_hash = 0),
               case when matched then {PartMask} - ((row_hash >> 4) & {PartMask}) else (row_hash >> 4) & {PartMask} end
        from sync_records where sync = ?1
        """;

    public override async Task<bool> SumRowHashBucketsAsync(string sync, int bits, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        return await ScanAsync(ScanRowHashParts, sync, (1L << bits) - 1, into, cancellationToken);
    }

    // Stepped through SQLitePCLRaw (in a read begun through Microsoft.Data.Sqlite, which waits out a lock): a data reader's
    // async read and typed getters per row were about half the CPU of this scan, which a nothing-changed diff: warehouse
    // run waits for.
    protected override Task<bool> SumStoredBucketsAsync(string sync, int bits, SummedHash hash, IBucketSumTarget into, CancellationToken cancellationToken) =>
        ScanAsync(hash == SummedHash.Payload ? ScanPayloadParts : ScanParts, sync, 32 - bits, into, cancellationToken);

    // A record's bucket (?2: the shift) and, in its lowest bit, whether its hash is unknown; -1 without a bucket, -2 past 32 bits.
    private static string BucketCode(string hash) => $"""
        case when key_bucket is null then -1 when key_bucket < 0 or key_bucket > {uint.MaxValue} then -2
             else ((key_bucket >> ?2) << 1) | ({hash} = 0) end
        """;

    // One of the scans above, its ?1 the sync and its ?2 the shift or mask.
    private async Task<bool> ScanAsync(string sql, string sync, long second, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        await using var read = await BeginReadAsync(cancellationToken);
        var db = read.Connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out var statement), db);
        using (statement)
        {
            Check(BindText(statement, 1, sync), db);
            Check(raw.sqlite3_bind_int64(statement, 2, second), db);
            return ScanSums(statement, db, sync, into, cancellationToken);
        }
    }

    // Each record added to the caller's sums as it is read: no array of the store's (at 3M keys, 2^18 buckets of 32 bytes,
    // 8 MiB, and as much again in growth from 1M). False at the first record without its bucket (the caller clears).
    private static bool ScanSums(sqlite3_stmt statement, sqlite3 db, string sync, IBucketSumTarget into, CancellationToken cancellationToken)
    {
        var step = raw.sqlite3_step(statement);
        for (var read = 1L; step == raw.SQLITE_ROW; read++, step = raw.sqlite3_step(statement))
        {
            if ((read & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var code = raw.sqlite3_column_int64(statement, 0);
            if (code < 0)
            {
                return code == -1 ? false : throw BucketOutOfRange(sync);
            }

            // Four columns: the part of the key's text (UTF-8, as SQLite keeps it), payload hash and match; two: the part itself.
            var part = raw.sqlite3_column_count(statement) == 4
                ? PayloadBucketPart.Of(raw.sqlite3_column_blob(statement, 1), (ulong)raw.sqlite3_column_int64(statement, 2), raw.sqlite3_column_int(statement, 3) != 0)
                : (ulong)raw.sqlite3_column_int64(statement, 1);
            into.Add((int)(code >> 1), 1, part, (code & 1) != 0);
        }

        if (step != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(step, db);
        }

        return true;
    }
}
