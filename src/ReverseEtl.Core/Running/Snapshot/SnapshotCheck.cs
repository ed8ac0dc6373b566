using System.Globalization;
using System.Numerics;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The check at the start of a diff against the snapshot: by buckets of keys where it applies (<see cref="SnapshotBuckets"/>),
/// the buckets that differ rewritten; else the snapshot must hold as many keys as the state, with the same sum of check
/// numbers (<see cref="SnapshotEntry.MixOf"/>), the state streamed here, and a snapshot that differs is rebuilt whole.
/// The state is never held: memory does not grow with the number of keys.
/// </summary>
internal sealed class SnapshotCheck(SyncRunContext context, SnapshotSql sql, IWarehouseWriter writer)
{
    private const int RebuildBatch = 1_000;
    private const int StatementsPerCall = 20;

    /// <summary>Whether the snapshot may filter the diff (see <see cref="SnapshotRows.PrepareAsync"/>).</summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        await writer.ExecuteAsync([sql.CreateFor(writer)], context.QueryTag, cancellationToken);
        if (SnapshotBuckets.For(context, sql) is { } buckets && await buckets.CompareAsync(cancellationToken) is { } difference)
        {
            return difference.Differing.Count == 0 || await RewriteAsync(buckets, difference, cancellationToken);
        }

        context.Log.SnapshotCheckedByKeys(context.Sync.Name, sql.Table, context.Model.PrimaryKey.Count > 1 ? "a key of several columns"
            : context.Warehouse is not IWarehouseSnapshotBuckets ? "the warehouse reads no stored row hash back" : "the state store keeps no bucket for every key");
        var (count, sum) = await ReadCheckAsync(cancellationToken);
        var (held, expected) = await StateCheckAsync(cancellationToken);
        return (count == held && sum == expected) || await RebuildAsync(count, held, cancellationToken);
    }

    // The buckets that differ, rewritten from the state (all of it past half of them, where a filter saves little); a plan writes nothing.
    private async Task<bool> RewriteAsync(SnapshotBuckets buckets, SnapshotDifference difference, CancellationToken cancellationToken)
    {
        if (difference.Differing.Count * 2 > difference.Buckets)
        {
            return await RebuildAsync(difference.SnapshotKeys, difference.StateKeys, cancellationToken);
        }

        var rewrite = context.RunId != 0;
        context.Log.SnapshotBehind(context.Sync.Name, sql.Table, difference.SnapshotKeys, difference.StateKeys,
            rewrite ? $"rewriting its {difference.Differing.Count} key buckets that differ from the state before the diff" : "this plan reads every key and row hash instead");
        if (!rewrite)
        {
            return false;
        }

        await writer.ExecuteAsync([buckets.Clear(difference.Differing)], context.QueryTag, cancellationToken);
        var keys = await WriteAsync(buckets.Records(difference.Differing, cancellationToken), cancellationToken);
        context.Log.SnapshotBucketsRewritten(context.Sync.Name, sql.Table, difference.Differing.Count, keys);
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

    // The same count and sum over the state, streamed (each check number is below 2^48: an Int128 holds any sum).
    private async Task<(long Count, BigInteger Sum)> StateCheckAsync(CancellationToken cancellationToken)
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
            await writer.ExecuteAsync([sql.Clear], context.QueryTag, cancellationToken);
            context.Log.SnapshotRebuilt(context.Sync.Name, sql.Table, await WriteAsync(context.Saved.Records.ReadAsync(cancellationToken), cancellationToken));
        }

        return rebuild;
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
