using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The write-ahead side of sending: each record gets its delivery key, and is told when an earlier attempt of the same
/// change (same payload, both writes or both deletes) ended with no known outcome; a batch is logged before it goes out, and its log
/// cleared for every record whose outcome is known. What stays logged (no answer, a stop, the process killed) marks the
/// next attempt as unsure, so the destination can check before sending again.
/// </summary>
internal sealed class WriteAhead(SyncRunContext context, IDeliveryLog log)
{
    /// <summary>The record as sent: with its delivery key and, when an earlier attempt is unaccounted for, its time.</summary>
    public SyncRecord Mark(RowChange change, SyncRecord record)
    {
        var hash = change.Row?.Hash ?? 0;
        var earlier = context.Saved.Pending.GetValueOrDefault(change.Key);
        var unsure = earlier is not null && Same(earlier.Action, record.Action) && earlier.Hash == hash ? earlier.AttemptedAt : (DateTimeOffset?)null;
        return record with { Delivery = DeliveryKey.For(context.Sync.Name, change.Key, record.Action, hash), UnsureSince = unsure };
    }

    /// <summary>Logs the batch before it goes out (not in a dry run: an outbox line has no unknown outcome).</summary>
    public Task BeforeAsync(IReadOnlyList<SyncRecord> batch)
    {
        if (context.DryRun)
        {
            return Task.CompletedTask;
        }

        var at = context.Time.GetUtcNow();
        var sends = batch.Select(r => new PendingSend(r.Key, r.Action, Hash(r), r.UnsureSince ?? at)).ToList();

        // Logged even while a stop is under way: the batch is about to go out regardless.
        return log.RecordPendingAsync(context.Sync.Name, context.RunId, sends, CancellationToken.None);
    }

    /// <summary>
    /// The keys whose log is cleared now that their outcome is known (delivered ones are cleared with their state). A
    /// record that was unsure keeps its entry until it is delivered: its failure now says nothing of the earlier attempt,
    /// which may have arrived. None in a dry run, which logs nothing.
    /// </summary>
    public List<string> Known(IReadOnlyList<SyncRecord> batch, IReadOnlyList<RecordOutcome> outcomes) => context.DryRun
        ? []
        : batch.Zip(outcomes).Where(p => p.First.UnsureSince is null && p.Second.Status is not (OutcomeStatus.Sent or OutcomeStatus.Unknown))
            .Select(p => p.First.Key).ToList();

    /// <summary>The whole batch failed: when it surely did not arrive, its log is cleared (but for records already unsure); otherwise it stays.</summary>
    public static List<string> Unsent(IReadOnlyList<SyncRecord> batch, Exception exception) =>
        exception is DestinationException { MayHaveBeenDelivered: false } ? batch.Where(r => r.UnsureSince is null).Select(r => r.Key).ToList() : [];

    // An add and a change of the same payload write the same record: a mirror's key stored as unknown after its add was
    // left in flight (IDeliveryLog.MarkUnsettledAsync) is sent as a change.
    private static bool Same(RecordAction earlier, RecordAction now) => earlier == now || (earlier != RecordAction.Delete && now != RecordAction.Delete);

    // An earlier unsure attempt keeps its time, so the destination looks back far enough.
    private static ulong Hash(SyncRecord record) => record.Delivery is { } d ? Convert.ToUInt64(d.PayloadHash, 16) : 0;
}
