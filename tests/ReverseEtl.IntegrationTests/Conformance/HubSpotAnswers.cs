using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>HubSpot's documented answers: batch results (200/207) echoing each input, StandardError bodies, and property lists.</summary>
internal static class HubSpotAnswers
{
    private const string At = "2025-05-20T08:00:00.000Z";

    public static JsonObject Results(JsonNode? body, string? rejected = null)
    {
        var inputs = body!["inputs"]!.AsArray();
        var results = new JsonArray();
        foreach (var input in inputs.Where(i => i!["id"]?.GetValue<string>() != rejected))
        {
            results.Add(new JsonObject
            {
                ["id"] = "1" + input!["id"]!.GetValue<string>().Replace("acc_", string.Empty, StringComparison.Ordinal),
                ["new"] = true, ["archived"] = false, ["createdAt"] = At, ["updatedAt"] = At,
                ["properties"] = input["properties"]!.DeepClone(),
                ["objectWriteTraceId"] = input["objectWriteTraceId"]!.DeepClone(),
            });
        }

        var answer = new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["startedAt"] = At, ["completedAt"] = At };
        if (rejected is not null)
        {
            answer["numErrors"] = 1;
            answer["errors"] = new JsonArray(JsonNode.Parse(Error("VALIDATION_ERROR", "Property values were not valid: days_in_stage must be a number", rejected)));
        }

        return answer;
    }

    public static string Error(string category, string message, string? id = null) => new JsonObject
    {
        ["status"] = "error", ["category"] = category, ["message"] = message,
        ["context"] = new JsonObject { ["ids"] = id is null ? new JsonArray() : new JsonArray(id) },
        ["errors"] = new JsonArray(), ["links"] = new JsonObject(),
    }.ToJsonString();

    public static string RateLimited(string policy) =>
        $$"""{"status":"error","message":"You have reached your {{policy.ToLowerInvariant()}} limit.","errorType":"RATE_LIMIT","correlationId":"c0ffee00-0000-4000-8000-000000000001","policyName":"{{policy}}","requestId":"r-1"}""";

    /// <summary>Default properties every HubSpot portal has, per object type (name, type, fieldType, group).</summary>
    private static readonly Dictionary<string, (string Name, string Type, string FieldType)[]> Defaults = new(StringComparer.Ordinal)
    {
        ["companies"] =
        [
            ("name", "string", "text"), ("domain", "string", "text"), ("hs_object_id", "number", "number"),
            ("createdate", "datetime", "date"), ("hs_lastmodifieddate", "datetime", "date"), ("industry", "enumeration", "select"),
            ("phone", "string", "phonenumber"), ("city", "string", "text"), ("country", "string", "text"),
            ("numberofemployees", "number", "number"), ("annualrevenue", "number", "number"), ("description", "string", "textarea"),
            ("lifecyclestage", "enumeration", "radio"), ("hubspot_owner_id", "enumeration", "select"),
        ],
        ["contacts"] =
        [
            ("email", "string", "text"), ("firstname", "string", "text"), ("lastname", "string", "text"),
            ("hs_object_id", "number", "number"), ("createdate", "datetime", "date"), ("lastmodifieddate", "datetime", "date"),
            ("phone", "string", "phonenumber"), ("company", "string", "text"), ("jobtitle", "string", "text"),
            ("lifecyclestage", "enumeration", "radio"), ("associatedcompanyid", "number", "number"), ("hubspot_owner_id", "enumeration", "select"),
        ],
    };

    /// <summary>
    /// The properties v3 list of <paramref name="objectType"/> (<c>GET /crm/v3/properties/{objectType}</c>): the portal's
    /// default properties plus the <paramref name="custom"/> ones (string text fields in their own group, as a sync or an
    /// admin creates them); checked against hubspot-crm-properties-v3.json.
    /// </summary>
    public static string Properties(string objectType, params string[] custom)
    {
        var results = new JsonArray();
        foreach (var (name, type, fieldType) in Defaults[objectType])
        {
            results.Add(Property(name, type, fieldType, objectType == "companies" ? "companyinformation" : "contactinformation", hubspotDefined: true));
        }

        foreach (var name in custom)
        {
            results.Add(Property(name, "string", "text", "product_data", hubspotDefined: false));
        }

        var json = new JsonObject { ["results"] = results }.ToJsonString();
        Assert.Empty(OpenApiContract.Get("hubspot-crm-properties-v3.json").ValidateResponse("/crm/v3/properties/{objectType}", "get", "200", json));
        return json;
    }

    /// <summary>Answers <c>GET /crm/v3/properties/{objectType}</c> on <paramref name="server"/> with <see cref="Properties"/>.</summary>
    public static void AnswerProperties(WireMockServer server, string objectType, params string[] custom) =>
        server.Given(Request.Create().WithPath($"/crm/v3/properties/{objectType}").UsingGet()).RespondWith(WireMockJson.Fixed(200, Properties(objectType, custom)));

    private static JsonObject Property(string name, string type, string fieldType, string group, bool hubspotDefined) => new()
    {
        ["name"] = name, ["label"] = Label(name), ["type"] = type, ["fieldType"] = fieldType, ["groupName"] = group,
        ["description"] = string.Empty, ["options"] = new JsonArray(), ["displayOrder"] = -1, ["calculated"] = false,
        ["externalOptions"] = false, ["hasUniqueValue"] = name == "hs_object_id", ["hidden"] = false, ["hubspotDefined"] = hubspotDefined,
        ["modificationMetadata"] = new JsonObject { ["archivable"] = !hubspotDefined, ["readOnlyDefinition"] = hubspotDefined, ["readOnlyValue"] = name == "hs_object_id" },
        ["formField"] = !hubspotDefined, ["archived"] = false, ["createdAt"] = At, ["updatedAt"] = At,
    };

    private static string Label(string name) => string.Join(' ', name.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
}
