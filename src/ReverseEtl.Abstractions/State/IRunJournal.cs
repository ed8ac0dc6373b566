namespace ReverseEtl.Abstractions.State;

/// <summary>The runs of each sync and the records that failed in them: what <c>status</c> shows.</summary>
public interface IRunJournal
{
    /// <summary>
    /// Opens a run and returns its id. The caller holds the sync's lock, so a run of the sync still open was left by a
    /// process that died: it is closed as <see cref="RunStatus.Abandoned"/>, naming the run that took over.
    /// </summary>
    Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Closes a run with its counts and, when it failed, its error.</summary>
    Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken);

    /// <summary>Keeps the latest failure of each key, with the vendor's message.</summary>
    Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken);

    /// <summary>Whether a run of <paramref name="sync"/> ever finished reading its model (succeeded, or partially failed).</summary>
    Task<bool> HasCompletedRunAsync(string sync, CancellationToken cancellationToken);

    /// <summary>The latest runs of <paramref name="sync"/>, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SyncStatus>> GetHistoryAsync(string sync, int limit, CancellationToken cancellationToken);

    /// <summary>The last run of each sync, and how many keys are failing.</summary>
    Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>A record that the destination did not take.</summary>
public sealed record RecordFailure(string Key, bool Retryable, string Message)
{
    /// <summary>The state the record would have had once delivered: a permanent failure is parked until the row differs from it.</summary>
    public RecordState? Attempted { get; init; }

    /// <summary>The failure was a mirror's delete: parked like the others, and <c>skip</c> forgets the record instead of storing it.</summary>
    public bool Delete { get; init; }
}

/// <summary>How a run ended.</summary>
public sealed record RunResult(DateTimeOffset FinishedAt, RunStatus Status, RunCounts Counts, string? Error);
