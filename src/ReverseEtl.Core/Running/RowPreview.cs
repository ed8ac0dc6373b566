using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// One current row of a sync's model rendered as its first send would be (<c>plan --all</c>, <c>plan --key</c>): the
/// request body, or why a run would send nothing for it.
/// </summary>
/// <param name="Key">The row's key.</param>
/// <param name="Action">What a first send would do, or null when it would send nothing.</param>
/// <param name="Body">The request body, when it would send.</param>
/// <param name="Note">Why it would send nothing, when it would not.</param>
public sealed record RowPreview(string Key, RecordAction? Action, JsonNode? Body, string? Note);
