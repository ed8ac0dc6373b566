using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What a run would do now with one key, and why (<c>explain</c>): the row as the model returns it, the stored state,
/// the decision and its reason, the body it would send, and what recent runs did with it.
/// </summary>
/// <param name="Key">The key explained.</param>
/// <param name="InModel">Whether the model returns a row with that key now.</param>
/// <param name="Stored">The state stored for it (what was last delivered), or null when nothing is.</param>
/// <param name="Reason">Why the decision: entered, changed in a mapped column, unchanged, parked, held back, and so on.</param>
public sealed record Explanation(string Key, bool InModel, RecordState? Stored, string Reason)
{
    /// <summary>What a run would send for it now, or null when nothing.</summary>
    public RecordAction? Action { get; init; }

    /// <summary>The body it would send, when it would.</summary>
    public JsonNode? Body { get; init; }

    /// <summary>What recent runs did with the key, newest first, from the per-record log.</summary>
    public IReadOnlyList<RecentRun> RecentRuns { get; init; } = [];
}
