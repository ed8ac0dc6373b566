using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReverseEtl.Core.Definitions;

// Each failed keyword worded from the schema's own value for it, at the key or value it is about.
public sealed partial class SchemaValidator
{
    private IEnumerable<DefinitionError> Describe(Failure failure, JsonNode root, SourceMap map)
    {
        var (node, keyword) = failure;
        var path = ConfigPathOf(node.InstanceLocation, root);
        var schema = SchemaAt(node.EvaluationPath) ?? [];
        return keyword switch
        {
            "" when LastSegment(node.EvaluationPath) == "additionalProperties" => [UnknownKey(node, path, map)],
            "minProperties" or "maxProperties" when OneKeyOf(schema) =>
                [new DefinitionError(map.ValueAt(path), path, $"needs exactly one key naming its type; expected one of: {string.Join(", ", Keys(schema["properties"]))}")],
            "required" => Missing(schema, ValueAt(node.InstanceLocation, root) as JsonObject)
                .Select(key => new DefinitionError(map.ValueAt(path), path, $"missing required key '{key}'")),
            _ => [new DefinitionError(map.ValueAt(path), path, $"{Shown(map, path)} {Wording(keyword, schema, node)}")],
        };
    }

    private DefinitionError UnknownKey(Json.Schema.EvaluationResults node, string path, SourceMap map)
    {
        var owner = SchemaAt(Segments(node.EvaluationPath)[..^1]);
        var allowed = string.Join(", ", Keys(owner?["properties"]));
        return new DefinitionError(map.KeyAt(path), path, $"unknown key '{LastSegment(node.InstanceLocation)}'; expected one of: {allowed}");
    }

    // A mapping of one key, which names its type (a connection: 'duckdb: {...}').
    private static bool OneKeyOf(JsonObject schema) => Number(schema, "minProperties") == "1" && Number(schema, "maxProperties") == "1";

    private static IEnumerable<string> Missing(JsonObject schema, JsonObject? value) =>
        (schema["required"] as JsonArray ?? []).Select(key => key!.GetValue<string>()).Where(key => value?.ContainsKey(key) != true);

    private static string Shown(SourceMap map, string path) => map.RawAt(path) is { } raw ? $"'{raw}'" : "this value";

    private string Wording(string keyword, JsonObject schema, Json.Schema.EvaluationResults node) => keyword switch
    {
        "type" => TypeWording(schema["type"]),
        "enum" => $"is not allowed; expected one of: {string.Join(", ", (schema["enum"] as JsonArray ?? []).Select(Plain))}",
        "minProperties" => $"needs at least {Number(schema, keyword)} key(s)",
        "maxProperties" => $"may have at most {Number(schema, keyword)} key(s)",
        "minLength" => Number(schema, keyword) == "1" ? "must not be empty" : $"must be at least {Number(schema, keyword)} characters long",
        "maxLength" => $"may be at most {Number(schema, keyword)} characters long",
        "minItems" => $"needs at least {Number(schema, keyword)} item(s)",
        "maxItems" => $"may have at most {Number(schema, keyword)} item(s)",
        "uniqueItems" => "lists an item more than once",
        "minimum" => $"must be at least {Number(schema, keyword)}",
        "maximum" => $"must be at most {Number(schema, keyword)}",
        "pattern" => $"does not match the pattern {schema["pattern"]?.GetValue<string>()}",
        OfNoFormsType => TypeWording(new JsonArray([.. FormTypes(node)])),
        "oneOf" => "fits more than one of the forms allowed here; it must fit exactly one",
        "" => "is not allowed here",
        _ => $"is not valid ({keyword}: {node.Errors?.GetValueOrDefault(keyword)})",
    };

    // The types of a value's forms (oneOf, anyOf), each form's own 'type' (through '$ref').
    private IEnumerable<JsonNode?> FormTypes(Json.Schema.EvaluationResults node) =>
        (node.Details ?? []).Where(IsForm).Select(form => SchemaAt(form.EvaluationPath)?["type"]).SelectMany(
            type => type is JsonArray several ? several.Select(t => t?.DeepClone()) : [type?.DeepClone()]);

    private static string TypeWording(JsonNode? type) => type switch
    {
        JsonArray several => $"must be one of these types: {string.Join(", ", several.Select(Plain).Distinct().Order(StringComparer.Ordinal))}",
        JsonValue one => one.GetValue<string>() switch
        {
            "string" => "must be text",
            "integer" => "must be a whole number",
            "number" => "must be a number",
            "boolean" => "must be true or false",
            "array" => "must be a list",
            "object" => "must be a mapping of keys to values",
            "null" => "must be empty",
            var other => $"must be of type {other}",
        },
        _ => "is not of a type allowed here",
    };

    private static IEnumerable<string> Keys(JsonNode? properties) => properties is JsonObject map ? map.Select(p => p.Key) : [];

    private static string Number(JsonObject schema, string keyword) => schema[keyword]?.ToJsonString() ?? "?";

    // A string without its quotes, anything else as JSON (an enum of 1 reads '1').
    private static string Plain(JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : value?.ToJsonString() ?? "null";
}
