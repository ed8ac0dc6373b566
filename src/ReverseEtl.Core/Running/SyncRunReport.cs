using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>What one run of one sync did.</summary>
public sealed record SyncRunReport(string Sync, RunStatus Status, RunCounts Counts)
{
    /// <summary>The run's id in the run journal; 0 when the run was skipped.</summary>
    public long RunId { get; init; }

    /// <summary>When the run started; null when it was skipped.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Why the run failed, was stopped or was skipped.</summary>
    public string? Error { get; init; }

    /// <summary>Where the destination wrote the requests it would have sent, when it had no credentials.</summary>
    public string? DryRunOutbox { get; init; }
}
