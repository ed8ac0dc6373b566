using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

/// <summary>One batch's send, in its turn: what it writes in order (the dry-run outbox) follows the order the batches went.</summary>
internal sealed partial class Outbound
{
    // The batch's answer comes once its ordered effects are over too (its outbox lines written after the earlier
    // batches'); a batch that failed still ends its turn, so the later ones go on, and its own failure is the one thrown.
    private async Task<IReadOnlyList<RecordOutcome>> WriteAsync(List<SyncRecord> batch, SendOrder.Turn turn, CancellationToken cancellationToken)
    {
        turn.Enter();

        // The batch is built and sent on the thread pool, beside the reading of the next rows: a dry run answers
        // without ever waiting, and would otherwise run each batch to its end on the reading thread, one at a time.
        await Task.Yield();
        IReadOnlyList<RecordOutcome> outcomes;
        try
        {
            outcomes = await _writer.WriteAsync(batch, cancellationToken);
        }
        catch
        {
            await EndAfterFailureAsync(turn);
            throw;
        }

        await turn.EndAsync();
        return outcomes;
    }

    private async Task EndAfterFailureAsync(SendOrder.Turn turn)
    {
        try
        {
            await turn.EndAsync();
        }
        catch (Exception ex)
        {
            _context.Log.OrderedEffectFailedAfterBatch(_context.Sync.Name, ex.Message);
        }
    }
}
