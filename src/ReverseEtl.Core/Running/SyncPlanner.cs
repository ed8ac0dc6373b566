using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Computes <see cref="SyncPlan"/>s: the diff of a run, with a few sample request bodies. It loads the state the run
/// would start from and reads the model against it; what the read saw for the state to keep is left unstored.
/// </summary>
public sealed class SyncPlanner(IRecordStateStore records, ISchemaColumnStore columns, ILogger<SyncPlanner> logger)
{
    public async Task<SyncPlan> PlanAsync(ProjectRuntime runtime, SyncDefinition sync, int samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        var saved = await SavedState.LoadAsync(records, columns, sync.Name, cancellationToken);
        var source = new ChangeSource(new SyncRunContext(runtime, sync, saved, logger));
        var plan = new Gathered(sync, runtime.Destination(sync.Destination).CreateWriter(sync.Settings), samples);
        await foreach (var item in source.ReadAsync(cancellationToken))
        {
            plan.Add(item);
        }

        return new SyncPlan(sync.Name, plan.Tally.Counts(source), plan.ToSend) { Samples = plan.Bodies, Rejections = plan.Rejections };
    }

    // What the plan has seen so far: the counts, what would be sent, and the first few bodies and rejections.
    private sealed class Gathered(SyncDefinition sync, ISyncWriter writer, int samples)
    {
        public ChangeTally Tally { get; } = new();

        public List<JsonNode> Bodies { get; } = [];

        public List<string> Rejections { get; } = [];

        public long ToSend { get; private set; }

        public void Add(DiffEvent item)
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
                    Decide(change);
                    break;
                default:
                    throw new UnreachableException($"no handling for {item.GetType().Name}");
            }
        }

        private void Decide(RowChange change)
        {
            Tally.Count(change);
            if (Decisions.Decide(sync, change) is not { } action)
            {
                return;
            }

            ToSend++;
            if (action != RecordAction.Delete && Bodies.Count < samples)
            {
                Bodies.Add(writer.Preview(new SyncRecord(change.Key, action, change.Row!.Payload)));
            }
        }
    }
}
