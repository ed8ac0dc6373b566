namespace ReverseEtl.Abstractions.State;

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

    /// <summary>The run sent what was within the sync's limits and held back a kind of send that passed one; <c>approve</c> releases it.</summary>
    Held,
}

/// <summary>What a sync's last run did, for <c>status</c>.</summary>
public sealed record SyncStatus(string Sync, long RunId, DateTimeOffset StartedAt, string Status, RunCounts Counts)
{
    public DateTimeOffset? FinishedAt { get; init; }

    public string? Error { get; init; }

    public int FailingRecords { get; init; }

    public string? LastFailure { get; init; }

    /// <summary>The process that ran it (RETL_INSTANCE_ID, or host name and process id).</summary>
    public string? Instance { get; init; }
}
