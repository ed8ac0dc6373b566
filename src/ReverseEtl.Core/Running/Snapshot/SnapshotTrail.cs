using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// The record state of a run whose sync keeps a snapshot in the warehouse: every update is stored in the state first,
/// as before; the keys it stored are kept (only those: at most the changed rows) and written to the snapshot at the end
/// of the run (<see cref="SaveAsync"/>) in batched statements; a warehouse that loads in bulk (<see cref="IWarehouseBulkWriter"/>,
/// DuckDB) takes them each time <see cref="BulkChunk"/> keys wait, so a first run holds no more than that. The snapshot
/// thus follows the state, never leads it.
/// A key the diff found new (<see cref="Added"/>) was not stored when the run began, so it is not in the snapshot (checked
/// then): it is only inserted; every other key is replaced.
/// </summary>
internal sealed class SnapshotTrail(SyncRunContext context, IRecordStateStore inner, IWarehouseDialect dialect, IWarehouseWriter writer) : IRecordStateStore, IDisposable
{
    private const int Batch = 1_000;
    private const int StatementsPerCall = 20;

    /// <summary>Keys per transaction of a bulk writer.</summary>
    internal const int BulkChunk = 100_000;
    private readonly Dictionary<string, RecordState?> _stored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private long _written;
    private bool _broken;

    private SnapshotSql Sql => new(dialect, writer.SnapshotSchema!, context.Sync.Name);

    /// <summary>A trail over <paramref name="state"/> when the sync diffs against a snapshot; null otherwise.</summary>
    public static SnapshotTrail? For(SyncRunContext context, IRecordStateStore state) =>
        context.Sync.DiffInWarehouse && context.Warehouse is IWarehouseWriter { SnapshotSchema: not null } writer && context.Warehouse is IWarehouseDialect dialect
            ? new SnapshotTrail(context, state, dialect, writer)
            : null;

    public async Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
    {
        await inner.ApplyAsync(sync, updates, cancellationToken);
        bool full;
        lock (_gate)
        {
            foreach (var update in updates)
            {
                _stored[update.Key] = update.State;
            }

            full = writer is IWarehouseBulkWriter && _stored.Count >= BulkChunk;
        }

        if (full)
        {
            await FlushAsync(); // a bulk writer takes the keys as they come, so a first run holds at most a chunk of them
        }
    }

    /// <summary>Notes a key the diff found new: the state did not hold it when the run began.</summary>
    public void Added(string key)
    {
        lock (_gate)
        {
            _added.Add(key);
        }
    }

    /// <summary>
    /// Writes the keys stored so far to the snapshot. A failure is logged, not thrown: the state already holds them, and
    /// the next run's check finds the difference and rebuilds the snapshot from the state; nothing more is written.
    /// </summary>
    public async Task SaveAsync()
    {
        await FlushAsync();
        if (_written > 0 && !_broken)
        {
            context.Log.SnapshotWritten(context.Sync.Name, Sql.Table, _written);
        }
    }

    // One write at a time, each taking every key stored before it began: a key's later state is never overtaken by its earlier one.
    private async Task FlushAsync()
    {
        await _writing.WaitAsync();
        try
        {
            var (entries, added) = Take();
            if (entries.Count + added.Count == 0 || _broken)
            {
                return;
            }

            try
            {
                await WriteAsync(Sql, entries, added);
                _written += entries.Count + added.Count;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _broken = true; // the state holds the keys: the snapshot is only an aid, rebuilt by the next run
                context.Log.SnapshotNotWritten(context.Sync.Name, Sql.Table, _written + entries.Count + added.Count, ex.Message);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    private (List<SnapshotEntry> Entries, List<SnapshotEntry> Added) Take()
    {
        lock (_gate)
        {
            var all = _stored.Select(s => SnapshotEntry.Of(s.Key, s.Value, context.Model.PrimaryKey.Count)).ToLookup(e => _added.Contains(e.StateKey));
            _added.ExceptWith(_stored.Keys); // written once, a key is replaced from then on
            _stored.Clear();
            return (all[false].ToList(), all[true].ToList());
        }
    }

    // A writer that loads rows in bulk takes them a chunk per transaction; any other gets statements of literals.
    private async Task WriteAsync(SnapshotSql sql, List<SnapshotEntry> entries, List<SnapshotEntry> added)
    {
        if (writer is IWarehouseBulkWriter bulk)
        {
            foreach (var chunk in entries.Concat(added).Chunk(BulkChunk))
            {
                var (rows, statements) = sql.Staged(chunk);
                await bulk.LoadAsync(rows, statements, context.QueryTag, CancellationToken.None);
            }

            return;
        }

        var all = entries.Chunk(Batch).SelectMany(sql.Replace).Concat(added.Chunk(Batch).SelectMany(sql.Insert));
        foreach (var group in all.Chunk(StatementsPerCall))
        {
            await writer.ExecuteAsync(group, context.QueryTag, CancellationToken.None);
        }
    }

    public void Dispose() => _writing.Dispose();

    public Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken) => inner.LoadRecordsAsync(sync, cancellationToken);

    public IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, CancellationToken cancellationToken) => inner.ReadRecordsAsync(sync, cancellationToken);

    public Task<Dictionary<string, RecordState>> FindRecordsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.FindRecordsAsync(sync, keys, cancellationToken);

    public Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.LoadDestinationIdsAsync(sync, keys, cancellationToken);
}
