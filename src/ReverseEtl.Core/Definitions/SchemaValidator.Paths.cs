using System.Text.Json.Nodes;
using Json.Pointer;

namespace ReverseEtl.Core.Definitions;

// Where a violation is, as the dotted path a SourceMap knows, and which part of the schema it broke.
public sealed partial class SchemaValidator
{
    /// <summary>
    /// Turns a JSON Pointer into the file (<c>/syncs/a.b/fields/x~1y/0</c>) into the dotted path a <see cref="SourceMap"/>
    /// knows (<c>syncs.a.b.fields.x/y[0]</c>): each key as written, an index where the value there is a list.
    /// </summary>
    internal static string ConfigPathOf(JsonPointer pointer, JsonNode root)
    {
        var (path, node) = (string.Empty, (JsonNode?)root);
        foreach (var segment in Segments(pointer))
        {
            if (node is JsonArray list && int.TryParse(segment, out var index) && index >= 0 && index < list.Count)
            {
                (path, node) = (ConfigPath.Item(path, index), list[index]);
            }
            else
            {
                (path, node) = (ConfigPath.Child(path, segment), node is JsonObject map ? map[segment] : null);
            }
        }

        return path;
    }

    // The value in the file at the pointer (null when absent or itself null).
    private static JsonNode? ValueAt(JsonPointer pointer, JsonNode root) =>
        pointer.TryEvaluate(root, out var value) ? value : null;

    // The schema object an evaluation path ends at, following each '$ref' (all local: '#/definitions/...').
    private JsonObject? SchemaAt(JsonPointer evaluationPath) => SchemaAt(Segments(evaluationPath));

    private JsonObject? SchemaAt(IEnumerable<string> segments)
    {
        var node = (JsonNode?)_document;
        foreach (var segment in segments)
        {
            node = segment == "$ref" && node?["$ref"]?.GetValue<string>() is { } reference
                ? SchemaAt(Segments(JsonPointer.Parse(reference.TrimStart('#'))))
                : node switch
                {
                    JsonObject map => map[segment],
                    JsonArray list when int.TryParse(segment, out var index) && index < list.Count => list[index],
                    _ => null,
                };
        }

        return node as JsonObject;
    }

    private static string LastSegment(JsonPointer pointer) =>
        pointer.Count == 0 ? string.Empty : SegmentAt(pointer, ^1);

    private static string SegmentAt(JsonPointer pointer, Index index) => Segments(pointer)[index];

    // The pointer's keys unescaped (RFC 6901: '~1' is '/', '~0' is '~').
    private static string[] Segments(JsonPointer pointer)
    {
        var text = pointer.ToString();
        return text.Length == 0 ? [] : [.. text[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~"))];
    }
}
