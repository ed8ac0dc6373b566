using System.Text.Json.Nodes;
using NJsonSchema;
using NSwag;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Slack's published Web API description (slack-web-api-v2.json in the vendor contracts, <see cref="Contracts"/>). It
/// describes arguments as form parameters, so a request body is checked against a schema built from them: known names
/// only, required ones present, each of its documented type (blocks and attachments may be JSON arrays in a JSON body).
/// The 2021 description writes "one of these objects" as <c>items: [A, B]</c> on a schema that is not an array; that
/// is read as <c>anyOf</c> (open to extra properties itself, since NJsonSchema closes Swagger 2 schemas that do not
/// say). The description predates message metadata, so <c>metadata</c> is checked as Slack documents it ("Using message
/// metadata"): an object with a string <c>event_type</c> and an object <c>event_payload</c>, both required. Without the
/// contracts, every check finds nothing and notes the skip for the test.
/// </summary>
internal static class SlackContract
{
    private static readonly Lazy<OpenApiDocument?> Document = new(Load);

    public static IReadOnlyList<string> ValidateRequest(string method, string json)
    {
        if (Document.Value is not { } document)
        {
            Contracts.NoteSkipped();
            return [];
        }

        var operation = document.Paths[$"/{method}"]["post"];
        var schema = new JsonSchema { Type = JsonObjectType.Object, AllowAdditionalProperties = false };
        foreach (var parameter in operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.FormData))
        {
            var type = parameter.Name is "blocks" or "attachments" ? JsonObjectType.String | JsonObjectType.Array : parameter.Type;
            schema.Properties[parameter.Name] = new JsonSchemaProperty { Type = type };
            if (parameter.IsRequired)
            {
                schema.RequiredProperties.Add(parameter.Name);
            }
        }

        schema.Properties["metadata"] = Metadata();
        return schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }

    private static JsonSchemaProperty Metadata()
    {
        var metadata = new JsonSchemaProperty { Type = JsonObjectType.Object, AllowAdditionalProperties = false };
        metadata.Properties["event_type"] = new JsonSchemaProperty { Type = JsonObjectType.String, Pattern = "^[a-z][a-z0-9_]*$" };
        metadata.Properties["event_payload"] = new JsonSchemaProperty { Type = JsonObjectType.Object };
        metadata.RequiredProperties.Add("event_type");
        metadata.RequiredProperties.Add("event_payload");
        return metadata;
    }

    public static IReadOnlyList<string> ValidateResponse(string method, string verb, string json)
    {
        if (Document.Value is not { } document)
        {
            Contracts.NoteSkipped();
            return [];
        }

        var schema = document.Paths[$"/{method}"][verb].Responses["200"].Schema.ActualSchema;
        return schema.Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();
    }

    private static OpenApiDocument? Load()
    {
        if (!Contracts.Available)
        {
            return null;
        }

        var path = Contracts.PathOf("slack-web-api-v2.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        ItemsAsAnyOf(root);
        return OpenApiDocument.FromJsonAsync(root.ToJsonString(), path).GetAwaiter().GetResult();
    }

    private static void ItemsAsAnyOf(JsonNode? node)
    {
        if (node is JsonObject schema)
        {
            if (schema["items"] is JsonArray alternatives && schema["type"]?.ToString() != "array")
            {
                schema.Remove("items");
                schema["anyOf"] = alternatives;
                schema["additionalProperties"] = true;
            }

            schema.Select(p => p.Value).ToList().ForEach(ItemsAsAnyOf);
        }
        else if (node is JsonArray array)
        {
            array.ToList().ForEach(ItemsAsAnyOf);
        }
    }
}
