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
}
