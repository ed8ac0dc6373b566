using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Computes <see cref="SyncPlan"/>s: the diff of a run, with a few sample request bodies. It loads the state the run
/// would start from and reads the model against it; what the read saw for the state to keep is left unstored.
/// </summary>
public sealed partial class SyncPlanner(ISyncStateStore state, ILogger<SyncPlanner> logger)
{
    /// <summary>The most sends of no known outcome a plan lists by key.</summary>
    public const int MaxUnsettledShown = 10;

    public async Task<SyncPlan> PlanAsync(ProjectRuntime runtime, SyncDefinition sync, int samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        var saved = await SavedState.LoadAsync(state, sync.Name, cancellationToken);
        var context = new SyncRunContext(runtime, sync, saved, logger);
        var source = new ChangeSource(context);
        var plan = new Gathered(context, runtime.Destination(sync.Destination).CreateWriter(sync.Settings), samples);
        await foreach (var item in source.ReadAsync(cancellationToken))
        {
            plan.Add(item, source);
        }

        var pending = await state.LoadPendingAsync(sync.Name, cancellationToken);
        return new SyncPlan(sync.Name, plan.Tally.Counts(source), plan.ToSend)
        {
            Samples = plan.Bodies, Rejections = plan.Rejections, Held = plan.Held(source), Unsettled = pending.Count, UnsettledKeys = Unsure(context, pending.Values),
        };
    }

    // The oldest sends first, then by key; each key as ShownKey shows it, its request as the record log names it.
    private static List<string> Unsure(SyncRunContext context, IEnumerable<PendingSend> pending) =>
        [.. pending.OrderBy(p => p.AttemptedAt).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxUnsettledShown).Select(p => Shown(context, p))];

    private static string Shown(SyncRunContext context, PendingSend send) => string.Create(CultureInfo.InvariantCulture,
        $"{ShownKey.Of(send.Key)}: {RecordBook.ActionOf(context, send.Action)}, sent {send.AttemptedAt.UtcDateTime:yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'}");

    /// <summary>
    /// The model's current rows (or the row of <paramref name="key"/>), at most <paramref name="limit"/>, rendered
    /// through the mapping and templates as if none had been sent yet, also when nothing changed: a template edit can
    /// be previewed. Reads the model; sends and stores nothing.
    /// </summary>
    public async Task<IReadOnlyList<RowPreview>> PreviewAsync(ProjectRuntime runtime, SyncDefinition sync, string? key, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        var context = new SyncRunContext(runtime, sync, new SavedState(SavedRecords.None, new Dictionary<string, string>()), logger);
        var writer = runtime.Destination(sync.Destination).CreateWriter(sync.Settings);
        var previews = new List<RowPreview>();
        await foreach (var item in new ChangeSource(context).ReadAsync(cancellationToken))
        {
            if (item is RowChange { Row: { } row } change && (key is null || change.Key == key))
            {
                previews.Add(Decisions.Decide(sync, change) is { } action
                    ? new RowPreview(change.Key, action, writer.Preview(new SyncRecord(change.Key, action, row.Payload)), null)
                    : new RowPreview(change.Key, null, null, "does not match trigger.when: a run sends nothing for it"));
                if (previews.Count >= limit)
                {
                    break;
                }
            }
        }

        return previews;
    }

    // What the plan has seen so far: the counts, what would be sent, and the first few bodies and rejections.
    private sealed class Gathered(SyncRunContext context, ISyncWriter writer, int samples)
    {
        public ChangeTally Tally { get; } = new();

        public List<JsonNode> Bodies { get; } = [];

        public List<string> Rejections { get; } = [];

        public long ToSend { get; private set; }

        private Dictionary<SendKind, long> Kinds { get; } = [];

        // The kinds past their limit, as the run would find them; a model with no rows would have its removals held.
        public List<string> Held(ChangeSource source)
        {
            var held = Kinds.Where(k => k.Value > Math.Min(SendGuard.Allowed(context, k.Key), SendGuard.MaxWaiting))
                .Select(k => $"{SendGuard.Name(k.Key)}: {k.Value} planned, more than {Math.Min(SendGuard.Allowed(context, k.Key), SendGuard.MaxWaiting)} allowed").ToList();
            if (EmptyModel.Holds(context, source))
            {
                held.Add($"{EmptyModel.Kind}: the model returned no rows; all {context.Saved.Held} records held would be removed");
            }

            return held;
        }

        public void Add(DiffEvent item, ChangeSource source)
        {
            switch (item)
            {
                case RowRejected rejected:
                    Tally.Reject();
                    if (Rejections.Count < samples)
                    {
                        Rejections.Add($"row {rejected.RowNumber}: {rejected.Reason}");
                    }

                    break;
                case RowRehashed or ColumnsChanged:
                    break; // only the state would change, and a plan changes nothing
                case RowChange change:
                    Decide(change, source);
                    break;
                default:
                    throw new UnreachableException($"no handling for {item.GetType().Name}");
            }
        }

        private void Decide(RowChange change, ChangeSource source)
        {
            Tally.Count(change, context);
            var emptied = change.Kind == ChangeKind.Removed && EmptyModel.Holds(context, source);
            if (emptied || context.Parks(change) || context.Decide(change) is not { } action)
            {
                return;
            }

            ToSend++;
            var kind = SendGuard.KindOf(context, action);
            Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;
            if (action != RecordAction.Delete && Bodies.Count < samples)
            {
                Bodies.Add(writer.Preview(new SyncRecord(change.Key, action, change.Row!.Payload)));
            }
        }
    }
}
