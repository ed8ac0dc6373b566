using System.Globalization;
using System.Numerics;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The check at the start of a diff against the snapshot: it must hold as many keys as the state, with the same sum of
/// check numbers (<see cref="SnapshotEntry.MixOf"/>), the state streamed here and never held (memory does not grow with
/// the keys). Streaming costs less CPU than summing both sides by key buckets where they are kept (measured at a million
/// keys: about 0.75 s against 0.55 s for the SQLite store's scan plus 0.6 s for DuckDB's md5 of every key), so buckets
/// (<see cref="SnapshotBuckets"/>) only serve a run whose snapshot differs: the buckets that differ are rewritten rather
/// than the whole snapshot, and the snapshot side checked again after (rebuilt whole if it still differs). A plan, which
/// writes nothing, reads as without a snapshot instead.
/// </summary>
internal sealed class SnapshotCheck(SyncRunContext context, SnapshotSql sql, IWarehouseWriter writer)
{
    private const int RebuildBatch = 1_000;
    private const int StatementsPerCall = 20;

    /// <summary>Creates the table if missing; then its side of the check: how many keys it holds for the sync, and their check numbers' sum.</summary>
    public async Task<(long Count, BigInteger Sum)> ReadSnapshotSideAsync(CancellationToken cancellationToken)
    {
        await writer.ExecuteAsync([sql.CreateFor(writer)], context.QueryTag, cancellationToken);
        return await ReadCheckAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the snapshot may filter the diff (see <see cref="SnapshotRows.PrepareAsync"/>), given both sides of the
    /// check: true when they agree, or once a run has rewritten the snapshot to agree.
    /// </summary>
    public async Task<bool> SettleAsync((long Count, BigInteger Sum) snapshot, (long Count, BigInteger Sum) state, CancellationToken cancellationToken)
    {
        var ((count, sum), (held, expected)) = (snapshot, state);
        if (count == held && sum == expected)
        {
            return true;
        }

        // A run finds the buckets that differ where it can (a few keys behind, after a stop before the snapshot write) and
        // rewrites only those; past half of them a filter saves little, and the whole snapshot is rebuilt.
        if (context.RunId != 0 && SnapshotBuckets.For(context, sql) is { } buckets && await buckets.CompareAsync(cancellationToken) is { } difference
            && difference.Differing.Count > 0 && difference.Differing.Count * 2 <= difference.Buckets)
        {
            return await RewriteAsync(buckets, difference, (held, expected), cancellationToken);
        }

        return await RebuildAsync(count, held, cancellationToken);
    }

    // The buckets that differ, rewritten from the state. A bucket's count and sum cannot see every difference (two of its
    // keys that swapped row hashes, a key moved within it, differences that cancel out in its sum), and one left could
    // hide a change from this run's diff (a removal, or a row hash the snapshot already holds): the snapshot side of the
    // streamed check is read again (the state has not moved since its side was summed), and a snapshot that still
    // differs is rebuilt whole, as the next run's check would have done.
    private async Task<bool> RewriteAsync(SnapshotBuckets buckets, SnapshotDifference difference, (long Count, BigInteger Sum) state, CancellationToken cancellationToken)
    {
        context.Log.SnapshotBehind(context.Sync.Name, sql.Table, difference.SnapshotKeys, difference.StateKeys,
            $"rewriting its {difference.Differing.Count} key buckets that differ from the state before the diff");
        await writer.ExecuteAsync([buckets.Clear(difference.Differing)], context.QueryTag, cancellationToken);
        var keys = await WriteAsync(buckets.Records(difference.Differing, cancellationToken), cancellationToken);
        context.Log.SnapshotBucketsRewritten(context.Sync.Name, sql.Table, difference.Differing.Count, keys);
        var (count, sum) = await ReadCheckAsync(cancellationToken);
        if (count == state.Count && sum == state.Sum)
        {
            return true;
        }

        context.Log.SnapshotStillBehind(context.Sync.Name, sql.Table, difference.Differing.Count, count, state.Count);
        await RewriteWholeAsync(cancellationToken);
        return true;
    }

    private async Task<(long Count, BigInteger Sum)> ReadCheckAsync(CancellationToken cancellationToken)
    {
        await using var result = await context.Warehouse.QueryAsync(new WarehouseQuery(sql.Check, context.QueryTag), cancellationToken);
        await foreach (var values in result.ReadRowsAsync(cancellationToken))
        {
            return (Convert.ToInt64(values[0], CultureInfo.InvariantCulture), BigInteger.Parse(Convert.ToString(values[1], CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture));
        }

        return (0, BigInteger.Zero);
    }

    /// <summary>The state's side of the check, streamed (each check number is below 2^48: an Int128 holds any sum).</summary>
    public async Task<(long Count, BigInteger Sum)> ReadStateSideAsync(CancellationToken cancellationToken)
    {
        var (count, sum) = (0L, Int128.Zero);
        await foreach (var (key, state) in context.Saved.Records.ReadAsync(cancellationToken))
        {
            count++;
            sum += SnapshotEntry.MixOf(key, state);
        }

        return (count, sum);
    }

    // The whole snapshot written again from the state; a plan writes nothing, and reads as without a snapshot.
    private async Task<bool> RebuildAsync(long snapshotKeys, long stateKeys, CancellationToken cancellationToken)
    {
        var rebuild = context.RunId != 0;
        context.Log.SnapshotBehind(context.Sync.Name, sql.Table, snapshotKeys, stateKeys, rebuild ? "rebuilding it from the state before the diff" : "this plan reads every key and row hash instead");
        if (rebuild)
        {
            await RewriteWholeAsync(cancellationToken);
        }

        return rebuild;
    }

    private async Task RewriteWholeAsync(CancellationToken cancellationToken)
    {
        await writer.ExecuteAsync([sql.Clear], context.QueryTag, cancellationToken);
        context.Log.SnapshotRebuilt(context.Sync.Name, sql.Table, await WriteAsync(context.Saved.Records.ReadAsync(cancellationToken), cancellationToken));
    }

    // Records written to the snapshot a group at a time (whose keys it no longer holds); returns how many.
    private async Task<long> WriteAsync(IAsyncEnumerable<StoredRecord> records, CancellationToken cancellationToken)
    {
        var keyColumns = context.Model.PrimaryKey.Count;
        var size = writer is IWarehouseBulkWriter ? SnapshotTrail.BulkChunk : RebuildBatch * StatementsPerCall;
        var (keys, group) = (0L, new List<SnapshotEntry>(size));
        await foreach (var (key, state) in records)
        {
            keys++;
            group.Add(SnapshotEntry.Of(key, state, keyColumns));
            if (group.Count == size)
            {
                await InsertAsync(group, cancellationToken);
            }
        }

        await InsertAsync(group, cancellationToken);
        return keys;
    }

    // A group of the rebuild: loaded in bulk where the writer can, else a statement per batch, the statements in one call; the group is emptied.
    private async Task InsertAsync(List<SnapshotEntry> group, CancellationToken cancellationToken)
    {
        if (group.Count == 0)
        {
            return;
        }

        if (writer is IWarehouseBulkWriter bulk)
        {
            var (rows, statements) = sql.Staged(group);
            await bulk.LoadAsync(rows, statements, context.QueryTag, cancellationToken);
        }
        else
        {
            await writer.ExecuteAsync(group.Chunk(RebuildBatch).SelectMany(chunk => sql.Insert(chunk)).ToList(), context.QueryTag, cancellationToken);
        }

        group.Clear();
    }
}
