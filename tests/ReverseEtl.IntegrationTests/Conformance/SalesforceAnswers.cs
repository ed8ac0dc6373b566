using System.Text.Json.Nodes;
using NJsonSchema;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Salesforce's documented shapes (destination-apis.md §4): the token answer, per-record results, the request body, and sObject describes.</summary>
internal static class SalesforceAnswers
{
    // Salesforce publishes no OpenAPI for sObject Collections; this schema states the documented request shape.
    private static readonly JsonSchema UpsertBody = JsonSchema.FromJsonAsync("""
        {
          "type": "object", "additionalProperties": false, "required": ["allOrNone", "records"],
          "properties": {
            "allOrNone": { "type": "boolean" },
            "records": { "type": "array", "minItems": 1, "maxItems": 200, "items": {
              "type": "object", "required": ["attributes"], "not": { "required": ["Id"] },
              "properties": { "attributes": { "type": "object", "required": ["type"], "properties": { "type": { "type": "string" } } } } } }
          }
        }
        """).GetAwaiter().GetResult();

    public static IReadOnlyList<string> Violations(string body) => UpsertBody.Validate(body).Select(e => $"{e.Path}: {e.Kind}").ToList();

    public static void Token(WireMockServer server, string token = "00Dxx!token-1") =>
        server.Given(Request.Create().WithPath("/services/oauth2/token").UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(200, $$"""
            {"access_token":"{{token}}","instance_url":"{{server.Url}}","id":"{{server.Url}}/id/00Dxx0000001gPL/005xx000001Sv6A","token_type":"Bearer","issued_at":"1747728000000","signature":"c2lnbmF0dXJl"}
            """));

    public static JsonArray Results(JsonNode? body, string? rejected = null, string lockedOnce = "")
    {
        var results = new JsonArray();
        foreach (var record in body!["records"]!.AsArray())
        {
            var key = record!["Product_Account_Id__c"]!.GetValue<string>();
            results.Add(key == rejected
                ? JsonNode.Parse("""{"id":null,"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Name]","fields":["Name"]}]}""")
                : key == lockedOnce
                ? JsonNode.Parse("""{"id":null,"success":false,"errors":[{"statusCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record","fields":[]}]}""")
                : new JsonObject { ["id"] = "001" + key.Replace("acc_", "xx0000000", StringComparison.Ordinal), ["success"] = true, ["errors"] = new JsonArray(), ["created"] = true });
        }

        return results;
    }

    /// <summary>Standard fields of each sObject the tests write (name, createable, updateable, type), as a fresh org describes them.</summary>
    private static readonly Dictionary<string, (string Name, bool Createable, bool Updateable, string Type)[]> Standard = new(StringComparer.Ordinal)
    {
        ["Account"] =
        [
            ("Id", false, false, "id"), ("IsDeleted", false, false, "boolean"), ("Name", true, true, "string"), ("Type", true, true, "picklist"),
            ("ParentId", true, true, "reference"), ("BillingCity", true, true, "string"), ("BillingCountry", true, true, "string"),
            ("Phone", true, true, "phone"), ("Website", true, true, "url"), ("Industry", true, true, "picklist"),
            ("NumberOfEmployees", true, true, "int"), ("Description", true, true, "textarea"), ("OwnerId", true, true, "reference"),
            ("CreatedDate", false, false, "datetime"), ("CreatedById", false, false, "reference"), ("LastModifiedDate", false, false, "datetime"),
            ("SystemModstamp", false, false, "datetime"),
        ],
    };

    /// <summary>
    /// The describe of <paramref name="sobject"/> (<c>GET /services/data/vXX.X/sobjects/{sobject}/describe</c>): its standard
    /// fields plus the <paramref name="custom"/> ones (text, createable and updateable), in the documented shape.
    /// </summary>
    public static string Describe(string sobject, params string[] custom)
    {
        var fields = new JsonArray();
        foreach (var (name, createable, updateable, type) in Standard[sobject])
        {
            fields.Add(Field(name, createable, updateable, type, isCustom: false));
        }

        foreach (var name in custom)
        {
            fields.Add(Field(name, createable: true, updateable: true, "string", isCustom: true));
        }

        return new JsonObject
        {
            ["name"] = sobject, ["label"] = sobject, ["custom"] = false, ["createable"] = true, ["updateable"] = true, ["queryable"] = true,
            ["keyPrefix"] = "001", ["fields"] = fields,
            ["urls"] = new JsonObject { ["describe"] = $"/services/data/v62.0/sobjects/{sobject}/describe" },
        }.ToJsonString();
    }

    /// <summary>Answers the describe of <paramref name="sobject"/> (any API version) on <paramref name="server"/> with <see cref="Describe"/>.</summary>
    public static void AnswerDescribe(WireMockServer server, string sobject, params string[] custom) =>
        server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher($"^/services/data/v[0-9]+\\.[0-9]/sobjects/{sobject}/describe$")).UsingGet())
            .RespondWith(WireMockJson.Fixed(200, Describe(sobject, custom)));

    private static JsonObject Field(string name, bool createable, bool updateable, string type, bool isCustom) => new()
    {
        ["name"] = name, ["label"] = isCustom ? name[..^3].Replace('_', ' ') : name, ["type"] = type, ["custom"] = isCustom,
        ["createable"] = createable, ["updateable"] = updateable, ["nillable"] = name != "Name" && createable,
        ["externalId"] = isCustom && name.EndsWith("_Id__c", StringComparison.OrdinalIgnoreCase), ["unique"] = false,
        ["length"] = type is "string" or "url" or "phone" ? 255 : 0, ["soapType"] = type is "int" ? "xsd:int" : type is "boolean" ? "xsd:boolean" : "xsd:string",
    };
}
