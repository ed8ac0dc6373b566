namespace ReverseEtl.Abstractions.State;

/// <summary>
/// The per-record log: what each run decided for each record it touched and what came of it, kept for a while for
/// <c>explain</c>. Entries are diagnostics, not state: nothing reads them to decide what to send.
/// </summary>
/// <remarks>Thread-safe. Each call is one statement (a batch of entries at a time), atomic on its own.</remarks>
public interface IRecordLog
{
    /// <summary>Appends a batch of entries of one run of <paramref name="sync"/>.</summary>
    Task AppendRecordLogAsync(string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken);

    /// <summary>The latest entries of one key, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RecordLogEntry>> LoadRecordLogAsync(string sync, string key, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the sync's entries logged before <paramref name="before"/>, then the oldest past <paramref name="maxRows"/>.
    /// Returns how many were dropped.
    /// </summary>
    Task<long> PruneRecordLogAsync(string sync, DateTimeOffset before, long maxRows, CancellationToken cancellationToken);

    /// <summary>
    /// Drops every sync's entries logged before <paramref name="before"/>: also those of syncs that no longer run
    /// (removed, renamed, disabled). Returns how many were dropped.
    /// </summary>
    Task<long> PruneRecordLogByAgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>One record in one run: what was decided, what was sent (redacted) and what came of it.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Action">What was (or would have been) asked of the destination: <c>create</c>, <c>update</c>, <c>delete</c>, <c>message</c>, or <c>none</c>.</param>
/// <param name="Decision">Why: <c>entered</c>, <c>changed</c>, <c>removed</c>, <c>exited</c>, <c>baselined</c>, <c>parked</c>, <c>held</c> or <c>rejected</c>.</param>
/// <param name="Outcome">What came of it: <c>sent</c>, <c>failed</c>, <c>unknown</c>, <c>deferred</c>, <c>held</c>, <c>parked</c> or <c>skipped</c> (recorded without sending).</param>
/// <param name="At">When it was logged.</param>
public sealed record RecordLogEntry(string Key, string Action, string Decision, string Outcome, DateTimeOffset At)
{
    /// <summary>The run that logged it (set by the store when read back).</summary>
    public long RunId { get; init; }

    /// <summary>The vendor's message for a failure, or why nothing was sent.</summary>
    public string? Message { get; init; }

    /// <summary>The vendor's id of the record, when it returned one.</summary>
    public string? VendorId { get; init; }

    /// <summary>The payload as a JSON object, redacted fields as <c>"[redacted]"</c> and long values cut; never headers or tokens.</summary>
    public string? Request { get; init; }

    /// <summary>A short hash of each mapped field's value (JSON object), so that a later entry can name the fields that changed.</summary>
    public string? FieldHashes { get; init; }
}
