using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>
/// One run's entries of the per-record log, written a batch at a time (<see cref="IRecordLog.AppendRecordLogAsync"/>,
/// one statement per batch of at most 1,000) at the points where the run stores its own batches: on the thread pool,
/// one write at a time in the order noted, while the run goes on; <see cref="FlushAsync"/> waits for it. Without a log (a
/// plan, or the log turned off) it notes nothing. The log is diagnostics: an entry that cannot be written is logged
/// (1100) and the run goes on and ends as it would have. A run notes at most <see cref="MaxHeld"/> held records (its
/// held plan has their count and samples), so that runs held again and again do not push real history out.
/// </summary>
internal sealed class RecordBook(SyncRunContext context, IRecordLog? log)
{
    /// <summary>The most held records one run notes.</summary>
    public const int MaxHeld = 1_000;
    private const int Batch = 1_000;
    private readonly List<RecordLogEntry> _entries = [];
    private int _held;
    private Task _writing = Task.CompletedTask;
    private long _noted;

    /// <summary>
    /// The most entries this run notes (<c>RETL_RECORD_LOG_MAX_ROWS</c>): more would only be pruned after the run, and a
    /// first run over a large model would spend its time writing them.
    /// </summary>
    public long MaxEntries { get; init; } = long.MaxValue;

    /// <summary>Notes what came of one record; <paramref name="decision"/> defaults to what the diff saw (<see cref="DecisionOf"/>).</summary>
    public void Note(RowChange change, RecordAction? action, string outcome, string? message = null, string? vendorId = null, string? decision = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (log is null || (outcome == "held" && ++_held > MaxHeld) || ++_noted > MaxEntries)
        {
            return;
        }

        var (request, hashes) = change.Row is { } row ? RecordSummary.Of(context.Sync.Name, change.Key, row.Payload, context.Sync.Redact) : ((string?)null, (string?)null);
        _entries.Add(new RecordLogEntry(change.Key, ActionOf(context, action), decision ?? DecisionOf(change), outcome, context.Time.GetUtcNow())
        {
            Message = Clean(change.Row is { } shown ? RecordSummary.ScrubText(message, shown.Payload, context.Sync.Redact) : message),
            VendorId = Clean(vendorId), Request = request, FieldHashes = hashes,
        });
    }

    /// <summary>
    /// Notes a change that needs no send: recorded as a baseline (a trigger sync's first run, <c>initial: skip</c>) or
    /// as the diff saw it; a row that neither matched nor matches (a trigger sync's many rows that change outside its
    /// condition) is not logged: the run did nothing with it.
    /// </summary>
    public void Settled(RowChange change)
    {
        var decision = context.Baseline && Decisions.Decide(context.Sync, change) is not null ? "baselined" : DecisionOf(change);
        if (decision != "unmatched")
        {
            Note(change, null, "skipped", decision: decision);
        }
    }

    /// <summary>Notes a batch the destination threw for: its message is written for users; any other exception is named by its type only.</summary>
    public void BatchFailed(IEnumerable<(RowChange Change, SyncRecord Record)> batch, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (outcome, message) = exception switch
        {
            DestinationException { MayHaveBeenDelivered: true } d => ("unknown", d.Message),
            DestinationException d => ("failed", d.Message),
            _ => ("unknown", $"the batch was interrupted ({exception.GetType().Name}); the next run checks or sends it again"),
        };
        foreach (var (change, record) in batch)
        {
            Note(change, record.Action, outcome, message);
        }
    }

    /// <summary>Notes a row the run rejected (a duplicated key: a null key has no entry to show).</summary>
    public void Rejected(RowRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        if (log is not null && !string.IsNullOrEmpty(rejected.Key) && ++_noted <= MaxEntries)
        {
            _entries.Add(new RecordLogEntry(rejected.Key, "none", "rejected", "skipped", context.Time.GetUtcNow()) { Message = Clean(rejected.Reason) });
        }
    }

    /// <summary>Writes what was noted when a batch's worth waits.</summary>
    public Task FlushIfFullAsync() => _entries.Count >= Batch ? WriteBehindAsync() : Task.CompletedTask;

    /// <summary>
    /// Writes what was noted, a statement per 1,000 entries. Written even while a stop is under way: it says what the
    /// run did. A write that fails is logged and its entries dropped: the run's own outcome does not depend on it.
    /// </summary>
    public async Task FlushAsync()
    {
        await _writing;
        _writing = Task.CompletedTask;
        if (log is not null && _entries.Count > 0)
        {
            await WriteAsync(log, Take());
        }
    }

    // The write before goes first; this one runs on the thread pool while the run notes the next entries.
    private async Task WriteBehindAsync()
    {
        await _writing;
        var (target, noted) = (log!, Take());
        _writing = Task.Run(() => WriteAsync(target, noted));
    }

    private List<RecordLogEntry> Take()
    {
        var noted = _entries.ToList();
        _entries.Clear();
        return noted;
    }

    private async Task WriteAsync(IRecordLog target, List<RecordLogEntry> noted)
    {
        try
        {
            foreach (var batch in noted.Chunk(Batch))
            {
                await target.AppendRecordLogAsync(context.Sync.Name, context.RunId, batch, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Log.RecordLogNotWritten(context.Sync.Name, context.RunId, ex.Message);
        }
    }

    /// <summary>What the diff saw of a record: entered, changed, removed, exited, or unmatched (new or changed, and not matching).</summary>
    public static string DecisionOf(RowChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Kind == ChangeKind.Removed ? "removed"
            : change.Entered ? "entered"
            : change.Exited ? "exited"
            : !change.IsMatching ? "unmatched"
            : change.Kind == ChangeKind.Added ? "entered" : "changed";
    }

    /// <summary>The request a send makes: <c>message</c> (a trigger sync's message or event), <c>create</c>, <c>update</c>, <c>delete</c>; <c>none</c>.</summary>
    public static string ActionOf(SyncRunContext context, RecordAction? action) => action is { } a
        ? SendGuard.KindOf(context, a) switch
        {
            SendKind.Messages => "message",
            SendKind.Creates => "create",
            SendKind.Updates => "update",
            _ => "delete",
        }
        : "none";

    // PostgreSQL's text holds no NUL character.
    private static string? Clean(string? text) => text?.Replace('\0', '\uFFFD');
}
