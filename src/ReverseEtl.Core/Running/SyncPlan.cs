using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>What a run would do now, without sending anything or changing any state.</summary>
public sealed record SyncPlan(string Sync, RunCounts Counts, long ToSend)
{
    /// <summary>A few request bodies the run would send.</summary>
    public IReadOnlyList<JsonNode> Samples { get; init; } = [];

    /// <summary>The kinds of send the run would hold back because they pass the sync's limits, e.g. <c>updates: 2151 planned, more than 1075 allowed</c>.</summary>
    public IReadOnlyList<string> Held { get; init; } = [];

    /// <summary>A few rows the run would reject, and why.</summary>
    public IReadOnlyList<string> Rejections { get; init; } = [];

    /// <summary>
    /// Sends of an earlier run with no known outcome (it was stopped or killed with them in flight). The run first marks
    /// the keys whose send differs from their state as changed and writes them again, which <see cref="ToSend"/> does
    /// not count (a plan changes no state), and sends the others again as unsure if they are still to be sent.
    /// </summary>
    public int Unsettled { get; init; }

    /// <summary>
    /// The first few of <see cref="Unsettled"/>, oldest first: each key as <see cref="ShownKey"/> shows it, the
    /// request as the record log names it and when it went, e.g. <c>"Zoë-1": update, sent 2026-11-30T08:00:00Z</c>.
    /// </summary>
    public IReadOnlyList<string> UnsettledKeys { get; init; } = [];
}
