using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Running;

/// <summary><c>explain</c>: one key's decision, as a run would take it now.</summary>
public sealed partial class SyncPlanner
{
    /// <summary>How many recent runs <c>explain</c> shows for a key.</summary>
    public const int RecentRunsShown = 10;

    /// <summary>
    /// What a run would do now with <paramref name="key"/>, and why, and what recent runs did with it (the per-record
    /// log); reads the model, sends and stores nothing.
    /// </summary>
    public async Task<Explanation> ExplainAsync(ProjectRuntime runtime, SyncDefinition sync, string key, CancellationToken cancellationToken)
    {
        var explained = await ExplainNowAsync(runtime, sync, key, cancellationToken);
        var logged = await state.LoadRecordLogAsync(sync.Name, key, RecentRunsShown + 1, cancellationToken);
        return explained with { RecentRuns = RecentRun.From(logged, RecentRunsShown) };
    }

    private async Task<Explanation> ExplainNowAsync(ProjectRuntime runtime, SyncDefinition sync, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        var saved = await SavedState.LoadAsync(state, sync.Name, cancellationToken);
        var stored = await saved.Records.FindAsync(key, cancellationToken);
        var one = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        if (stored is { } s)
        {
            one[key] = s;
        }

        var context = new SyncRunContext(runtime, sync, saved with { Records = SavedRecords.Of(one) }, logger);
        var writer = runtime.Destination(sync.Destination).CreateWriter(sync.Settings);
        await foreach (var item in new ChangeSource(context).ReadAsync(cancellationToken))
        {
            switch (item)
            {
                case RowRejected rejected when rejected.Key == key:
                    return new Explanation(key, true, stored, $"the row is rejected: {rejected.Reason}");
                case RowChange change when change.Key == key:
                    return Explain(context, writer, change, stored);
            }
        }

        return stored is null
            ? new Explanation(key, false, null, "the model returns no row with this key, and nothing is stored for it")
            : new Explanation(key, true, stored, "unchanged: the row is as last delivered (or recorded), so a run sends nothing");
    }

    private static Explanation Explain(SyncRunContext context, ISyncWriter writer, RowChange change, RecordState? stored)
    {
        var action = context.Decide(change);
        var reason = context.Parks(change) ? "parked: the destination rejected this very payload before; `retry` sends it again"
            : context.Baseline && action is null && Decisions.Decide(context.Sync, change) is not null ? "first run with initial: skip: recorded, not sent"
            : Why(change, action);
        var sends = action is { } a && !context.Parks(change) && !context.Baseline;
        return new Explanation(change.Key, change.Row is not null, stored, reason)
        {
            Action = sends ? action : null,
            Body = sends && change.Row is { } row && action != RecordAction.Delete
                ? RecordSummary.Scrub(writer.Preview(new SyncRecord(change.Key, action!.Value, row.Payload)), row.Payload, context.Sync.Redact)
                : null,
        };
    }

    private static string Why(RowChange change, RecordAction? action) => (change.Kind, action) switch
    {
        (ChangeKind.Removed, RecordAction.Delete) => "left the model: a mirror deletes its record",
        (ChangeKind.Removed, _) => "left the model: its stored state is removed, nothing is sent",
        (ChangeKind.Added, RecordAction.Enter) => "new to the sync, and it matches: sent",
        (ChangeKind.Added, _) => "new to the sync, but it does not match trigger.when: recorded, not sent",
        (_, RecordAction.Enter) => "it started matching trigger.when: sent",
        (_, RecordAction.Change) => "a mapped column changed: sent",
        _ when change.Exited => "it stopped matching trigger.when: recorded, not sent",
        _ => "it changed, but this sync does not send that change (its mode or trigger.on): recorded, not sent",
    };
}
