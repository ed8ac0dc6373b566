using System.Globalization;
using System.Numerics;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The check at the start of a diff against the snapshot: the snapshot must hold as many keys as the state, with the same
/// sum of check numbers (<see cref="SnapshotEntry.MixOf"/>); a run rebuilds a snapshot that differs. The state is
/// streamed for both, never held: memory does not grow with the number of keys.
/// </summary>
internal sealed class SnapshotCheck(SyncRunContext context, SnapshotSql sql, IWarehouseWriter writer)
{
    private const int RebuildBatch = 1_000;
    private const int StatementsPerCall = 20;

    /// <summary>Whether the snapshot may filter the diff (see <see cref="SnapshotRows.PrepareAsync"/>).</summary>
    public async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        await writer.ExecuteAsync([sql.CreateFor(writer)], context.QueryTag, cancellationToken);
        var (count, sum) = await ReadCheckAsync(cancellationToken);
        var (held, expected) = await StateCheckAsync(cancellationToken);
        if (count == held && sum == expected)
        {
            return true;
        }

        var rebuild = context.RunId != 0;
        context.Log.SnapshotBehind(context.Sync.Name, sql.Table, count, held, rebuild ? "rebuilding it from the state before the diff" : "this plan reads every key and row hash instead");
        if (rebuild)
        {
            await RebuildAsync(cancellationToken);
        }

        return rebuild;
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

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var keyColumns = context.Model.PrimaryKey.Count;
        await writer.ExecuteAsync([sql.Clear], context.QueryTag, cancellationToken);
        var size = writer is IWarehouseBulkWriter ? SnapshotTrail.BulkChunk : RebuildBatch * StatementsPerCall;
        var (keys, group) = (0L, new List<SnapshotEntry>(size));
        await foreach (var (key, state) in context.Saved.Records.ReadAsync(cancellationToken))
        {
            keys++;
            group.Add(SnapshotEntry.Of(key, state, keyColumns));
            if (group.Count == size)
            {
                await InsertAsync(group, cancellationToken);
            }
        }

        await InsertAsync(group, cancellationToken);
        context.Log.SnapshotRebuilt(context.Sync.Name, sql.Table, keys);
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
