using System.Runtime.ExceptionServices;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The answered batches on their way to the state store, stored by one loop on the thread pool in the order they were
/// added while the sender builds and sends the next ones. Batches that wait together are stored together (a group
/// commit): one <see cref="IRecordStateStore.ApplyAsync"/> of all their updates, one call for all their failures and
/// one for all their cleared sends, so the store commits less often when it is the slower side. Their keys never
/// overlap (<see cref="Outbound"/> keeps a key in flight until it is stored), so the union stores what each would have.
/// A store that throws fails its group and every batch behind it (none of them is stored) and the queue takes no more:
/// <see cref="Add"/> throws that error. Counts only what was stored; the counts are safe to read from another thread.
/// </summary>
internal sealed class StoreQueue(SyncRunContext context, IRecordStateStore records, IRunJournal journal, IDeliveryLog deliveries)
{
    /// <summary>The most batches answered and not yet stored: what a crash can lose the state of (they are sent again).</summary>
    public const int Capacity = 8;
    private readonly Lock _gate = new();
    private readonly Queue<AnsweredBatch> _waiting = new();
    private bool _looping;
    private ExceptionDispatchInfo? _failure;
    private long _sent;
    private long _failed;

    /// <summary>Records stored as delivered.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Records stored as failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Throws the error of a store that failed, if one did.</summary>
    public void ThrowIfFailed()
    {
        lock (_gate)
        {
            _failure?.Throw();
        }
    }

    /// <summary>Queues the batch; its <see cref="AnsweredBatch.Stored"/> completes once it is stored (or failed).</summary>
    public void Add(AnsweredBatch batch)
    {
        if (!TryAdd(batch))
        {
            ThrowIfFailed();
        }
    }

    /// <summary>Queues the batch as <see cref="Add"/> does, unless a store has failed: then false, and the queue takes no more.</summary>
    public bool TryAdd(AnsweredBatch batch)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return false;
            }

            _waiting.Enqueue(batch);
            if (!_looping)
            {
                _looping = true;
                _ = Task.Run(StoreAllAsync); // the loop catches what a store throws: each batch's Stored carries it
            }

            return true;
        }
    }

    private async Task StoreAllAsync()
    {
        while (Next() is { Count: > 0 } group)
        {
            try
            {
                await StoreAsync(group);
            }
            catch (Exception ex)
            {
                Fail(group, ex); // every waiter of these batches, and the next Add, gets the error
                return;
            }

            group.ForEach(b => b.Done());
        }
    }

    // Everything waiting, in order; when nothing is, the loop ends (under the lock, so an Add starts a new one).
    private List<AnsweredBatch> Next()
    {
        lock (_gate)
        {
            var group = _waiting.ToList();
            _waiting.Clear();
            _looping = group.Count > 0;
            return group;
        }
    }

    private void Fail(List<AnsweredBatch> group, Exception exception)
    {
        lock (_gate)
        {
            _failure = ExceptionDispatchInfo.Capture(exception);
            group.AddRange(_waiting);
            _waiting.Clear();
            _looping = false;
        }

        group.ForEach(b => b.Fail(exception));
    }

    // Acknowledged records are stored even when a shutdown is under way: losing them would send them twice.
    private async Task StoreAsync(List<AnsweredBatch> group)
    {
        var updates = group.Count == 1 ? group[0].Updates : group.SelectMany(b => b.Updates).ToList();
        var failures = group.Count == 1 ? group[0].Failures : group.SelectMany(b => b.Failures).ToList();
        var cleared = group.SelectMany(b => b.Cleared).ToList();
        await records.ApplyAsync(context.Sync.Name, updates, CancellationToken.None);
        await journal.RecordFailuresAsync(context.Sync.Name, context.RunId, failures, CancellationToken.None);
        if (cleared.Count > 0)
        {
            await deliveries.ClearPendingAsync(context.Sync.Name, cleared, CancellationToken.None);
        }

        Interlocked.Add(ref _sent, updates.Count);
        Interlocked.Add(ref _failed, failures.Count);
    }
}
