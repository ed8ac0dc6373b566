using Quartz;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Worker.Hosting;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>One sync as the page shows it: its definition, next fire, last run, held plans and latest failing records.</summary>
internal sealed record SyncOverview(SyncDefinition Sync, DateTimeOffset? NextFire, SyncStatus? LastRun, IReadOnlyList<HeldPlan> Held, IReadOnlyList<FailingRecord> Failures, int FailingTotal);

/// <summary>What <c>status</c>, <c>history</c> and <c>failures</c> read, for every sync of the loaded project, with Quartz's next fire.</summary>
internal sealed class OperationsReader(LoadedProject loaded, ISyncStateStore state, ISchedulerFactory schedulers)
{
    /// <summary>How many failing records the page lists per sync (the latest).</summary>
    public const int FailuresShown = 10;

    public async Task<IReadOnlyList<SyncOverview>> ReadAsync(CancellationToken cancellationToken)
    {
        var statuses = (await state.GetStatusAsync(cancellationToken)).ToDictionary(s => s.Sync, StringComparer.Ordinal);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var syncs = new List<SyncOverview>();
        foreach (var sync in loaded.Result.Project!.Syncs.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var trigger = await scheduler.GetTrigger(new TriggerKey(sync.Name, SyncSchedules.Group), cancellationToken);
            var last = statuses.GetValueOrDefault(sync.Name);
            var (failures, total) = last is { FailingRecords: > 0 } ? await state.ListFailuresAsync(sync.Name, FailuresShown, cancellationToken) : ([], 0);
            syncs.Add(new SyncOverview(sync, trigger?.NextFireTimeUtc, last, await state.LoadHeldAsync(sync.Name, cancellationToken), failures, total));
        }

        return syncs;
    }
}
