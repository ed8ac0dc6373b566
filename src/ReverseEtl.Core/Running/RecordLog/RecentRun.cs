using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>What one recent run did with a key, from the per-record log (<c>explain</c>'s "recent runs").</summary>
/// <param name="RunId">The run.</param>
/// <param name="At">When it logged the record.</param>
/// <param name="Action">The request: create, update, delete, message, or none.</param>
/// <param name="Decision">Why: entered, changed, removed, exited, baselined, parked, held, rejected.</param>
/// <param name="Outcome">What came of it: sent, failed, unknown, deferred, held, parked, skipped.</param>
public sealed record RecentRun(long RunId, DateTimeOffset At, string Action, string Decision, string Outcome)
{
    /// <summary>The mapped fields whose values differ from the key's previous entry (empty when there is none to compare with).</summary>
    public IReadOnlyList<string> ChangedFields { get; init; } = [];

    /// <summary>The vendor's message for a failure, or why nothing was sent.</summary>
    public string? Message { get; init; }

    /// <summary>The vendor's id of the record, when it returned one.</summary>
    public string? VendorId { get; init; }

    /// <summary>The payload logged, redacted fields as <c>"[redacted]"</c>.</summary>
    public JsonNode? Request { get; init; }

    /// <summary>The key's entries, newest first, each with the fields changed since the one before it (the read includes one more, to compare the oldest shown).</summary>
    public static IReadOnlyList<RecentRun> From(IReadOnlyList<RecordLogEntry> entries, int limit)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Take(limit).Select((e, i) => new RecentRun(e.RunId, e.At, e.Action, e.Decision, e.Outcome)
        {
            ChangedFields = RecordSummary.ChangedFields(e.FieldHashes, i + 1 < entries.Count ? entries[i + 1].FieldHashes : null),
            Message = e.Message,
            VendorId = e.VendorId,
            Request = e.Request is null ? null : JsonNode.Parse(e.Request),
        }).ToList();
    }
}
