using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.State;

/// <summary>
/// What each sync last delivered, per key, and the history of its runs.
/// </summary>
/// <remarks>
/// Thread-safe. Each method is atomic: <see cref="ApplyAsync"/> writes all of its updates or none, so a crash between
/// batches loses at most the batch in flight, never an acknowledged one.
/// </remarks>
public interface ISyncStateStore
{
    /// <summary>Creates or upgrades the store's tables.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The state of every key of <paramref name="sync"/>.</summary>
    Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>The destination ids recorded for <paramref name="keys"/> (keys without one are left out).</summary>
    Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>The columns (lower-case name to warehouse type) the sync read on its last run, empty before its first.</summary>
    Task<Dictionary<string, string>> LoadColumnsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Replaces the sync's saved columns.</summary>
    Task SaveColumnsAsync(string sync, IReadOnlyDictionary<string, string> columns, CancellationToken cancellationToken);

    /// <summary>Stores or deletes keys' state, and clears their failures.</summary>
    Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken);

    /// <summary>Keeps the latest failure of each key, with the vendor's message.</summary>
    Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the sync's run lock, held until the handle is disposed, or returns null when another process holds it (a
    /// scheduled run on another replica, or a <c>run --once</c>). The lock dies with the process that holds it, so a
    /// crash never leaves a sync locked.
    /// </summary>
    Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a run and returns its id. The caller holds the sync's lock, so a run of the sync still open was left by a
    /// process that died: it is closed as <see cref="RunStatus.Abandoned"/>, naming the run that took over.
    /// </summary>
    Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Closes a run with its counts and, when it failed, its error.</summary>
    Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken);

    /// <summary>The last run of each sync, and how many keys are failing.</summary>
    Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>A key's new state, or its removal when <see cref="State"/> is null.</summary>
public sealed record StateUpdate(string Key, RecordState? State, string? DestinationId = null);

/// <summary>A record that the destination did not take.</summary>
public sealed record RecordFailure(string Key, bool Retryable, string Message);

/// <summary>How a run ended.</summary>
public sealed record RunResult(DateTimeOffset FinishedAt, RunStatus Status, RunCounts Counts, string? Error);

/// <summary>The end states of a run.</summary>
public enum RunStatus
{
    /// <summary>Every record was delivered.</summary>
    Succeeded,

    /// <summary>The run finished but some records failed; they are retried next run.</summary>
    PartiallyFailed,

    /// <summary>The run stopped early (warehouse, destination or configuration error).</summary>
    Failed,

    /// <summary>The run was stopped (shutdown); acknowledged records were kept.</summary>
    Cancelled,

    /// <summary>The process running it died (killed, crashed, node lost); acknowledged records were kept and a later run took over.</summary>
    Abandoned,

    /// <summary>Not run: the sync was already running in another process. Not recorded as a run.</summary>
    Skipped,
}

/// <summary>What a sync's last run did, for <c>status</c>.</summary>
public sealed record SyncStatus(string Sync, long RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Status, RunCounts Counts, string? Error, int FailingRecords, string? LastFailure, string? Instance = null);
