using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.Http;

/// <summary>A dry-run request's body as a node, for the answers built as <see cref="JsonNode"/>s.</summary>
internal static class DryRunBody
{
    /// <summary>
    /// A node over <paramref name="body"/>'s element (not a copy): valid while its document is, which is the answer's
    /// call, so an answer keeps nothing of it but what it copies or writes.
    /// </summary>
    public static JsonNode? Node(JsonElement? body) => body switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } element => JsonObject.Create(element),
        { ValueKind: JsonValueKind.Array } element => JsonArray.Create(element),
        { ValueKind: JsonValueKind.Null } => null,
        { } element => JsonValue.Create(element),
    };
}
