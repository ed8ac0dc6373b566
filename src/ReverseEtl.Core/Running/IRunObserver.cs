using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>Told of each run that ended (not of a run skipped because the sync was running elsewhere): e.g. alerts.</summary>
/// <remarks>
/// Registered in DI; <see cref="SyncRunner"/> calls each once per run, in registration order, after the run was
/// closed in the journal and while it still holds the sync's lock (so one process at a time observes a sync). What an
/// observer throws is logged and does not change the run's outcome.
/// </remarks>
public interface IRunObserver
{
    Task RunFinishedAsync(ProjectRuntime runtime, SyncDefinition sync, SyncRunReport report, CancellationToken cancellationToken);
}
