using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.State;

namespace ReverseEtl.Core.Running;

/// <summary>What a run would do now, without sending anything or changing any state.</summary>
public sealed record SyncPlan(string Sync, RunCounts Counts, long ToSend, IReadOnlyList<JsonNode> Samples, IReadOnlyList<string> Rejections);

/// <summary>Computes <see cref="SyncPlan"/>s: the diff of a run, with a few sample request bodies.</summary>
public sealed class SyncPlanner(ISyncStateStore state)
{
    public async Task<SyncPlan> PlanAsync(ProjectRuntime runtime, SyncDefinition sync, int samples, CancellationToken cancellationToken)
    {
        var writer = runtime.Destination(sync.Destination).CreateWriter(sync.Settings);
        var counts = new RunCounts();
        var bodies = new List<JsonNode>();
        var rejections = new List<string>();
        long toSend = 0;
        await foreach (var item in ChangeSource.ReadAsync(runtime, sync, state, counts, null, planning: true, cancellationToken))
        {
            if (item is RowRejected rejected)
            {
                counts.Rejected++;
                AddSome(rejections, samples, $"row {rejected.RowNumber}: {rejected.Reason}");
                continue;
            }

            if (item is RowRehashed)
            {
                continue; // only a stored row hash would move, and a plan changes no state
            }

            var change = (RowChange)item;
            ChangeSource.Count(change, counts);
            if (ChangeSource.Decide(sync, change) is { } action)
            {
                toSend++;
                if (action != RecordAction.Delete && bodies.Count < samples)
                {
                    bodies.Add(writer.Preview(new SyncRecord(change.Key, action, change.Row!.Payload)));
                }
            }
        }

        return new SyncPlan(sync.Name, counts, toSend, bodies, rejections);
    }

    private static void AddSome(List<string> list, int limit, string item)
    {
        if (list.Count < limit)
        {
            list.Add(item);
        }
    }
}
