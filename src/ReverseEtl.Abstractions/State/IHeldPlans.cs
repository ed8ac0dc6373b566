namespace ReverseEtl.Abstractions.State;

/// <summary>
/// Plans a run held back because they passed a sync's limit, and their approvals: <c>approve</c> releases each held
/// plan once, for the next run of its sync.
/// </summary>
public interface IHeldPlans
{
    /// <summary>
    /// Records what a run that read its model to the end held back, replacing the sync's earlier plans that wait for
    /// approval (an empty list clears them: the data no longer passes the limits).
    /// </summary>
    Task RecordHeldAsync(string sync, long runId, IReadOnlyCollection<HeldPlan> plans, CancellationToken cancellationToken);

    /// <summary>The sync's plans that wait for approval.</summary>
    Task<IReadOnlyList<HeldPlan>> LoadHeldAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Approves every plan of <paramref name="sync"/> that waits, and returns them.</summary>
    Task<IReadOnlyList<HeldPlan>> ApproveAsync(string sync, DateTimeOffset approvedAt, CancellationToken cancellationToken);

    /// <summary>Approved plans not used yet, by kind: the next run may send up to their count of that kind.</summary>
    Task<IReadOnlyDictionary<string, long>> LoadApprovalsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Marks the approvals of <paramref name="kinds"/> as used by <paramref name="runId"/>.</summary>
    Task UseApprovalsAsync(string sync, long runId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken);
}

/// <summary>What a run did not send because it passed a limit.</summary>
/// <param name="Kind">The kind of send: <c>messages</c>, <c>creates</c>, <c>updates</c>, <c>deletes</c> or <c>removals</c> (a model that returned no rows).</param>
/// <param name="Count">How many of that kind the run would have sent.</param>
/// <param name="Limit">How many it may send.</param>
/// <param name="Reason">Why it was held, naming the limit and what to do.</param>
public sealed record HeldPlan(string Kind, long Count, long Limit, string Reason)
{
    /// <summary>The run that held it.</summary>
    public long RunId { get; init; }

    /// <summary>A few keys of the records held.</summary>
    public IReadOnlyList<string> Samples { get; init; } = [];
}
