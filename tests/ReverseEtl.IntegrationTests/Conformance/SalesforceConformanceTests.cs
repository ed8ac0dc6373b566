using System.Text.Json.Nodes;
using NJsonSchema;
using ReverseEtl.Core.Running;
using ReverseEtl.Abstractions.State;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>
/// Salesforce Accounts through sObject Collections upsert, with a client-credentials token. Salesforce has no 429: its
/// limit signal is 403 REQUEST_LIMIT_EXCEEDED, which lasts, so the run stops at once instead of waiting.
/// </summary>
public sealed class SalesforceConformanceTests : DestinationConformanceTests
{
    internal const string Upsert = "/services/data/v62.0/composite/sobjects/Account/Product_Account_Id__c";

    protected override string WritePath => Upsert;

    protected override int MaxBatchSize => 200;

    protected override bool RepeatsAfterTimeout => true;

    protected override string AuthError =>
        "Salesforce connection 'dest': the token request was refused (HTTP 400: invalid_client: invalid client credentials); check the connection's client_id and client_secret (written in the YAML)";

    protected override (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds) => (
        $$"""salesforce: { login_url: "{{baseUrl}}", client_id: cid, client_secret: secret, timeout_seconds: {{timeoutSeconds}} }""",
        """
        mode: upsert
        fields: { Product_Account_Id__c: account_id, Name: account_name, Days_In_Stage__c: days_in_stage }
        salesforce: { sobject: Account, external_id_field: Product_Account_Id__c }
        """);

    protected override void AnswerSuccess()
    {
        SalesforceAnswers.Token(Server);
        Server.Given(Request.Create().WithPath(Upsert).UsingPatch()).AtPriority(100).RespondWith(WireMockJson.From(200, body => SalesforceAnswers.Results(body)));
    }

    protected override IResponseBuilder RateLimited() =>
        WireMockJson.Fixed(403, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""");

    protected override void AssertRateLimitedRun(SyncRunReport report, IReadOnlyList<int> writeStatuses)
    {
        Assert.Equal((RunStatus.Failed, 0L), (report.Status, report.Counts.Sent));
        Assert.Equal("Salesforce connection 'dest': the org's API request allocation is spent (REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.); the sync stops and its remaining records go on the next run", report.Error);
        Assert.Equal([403], writeStatuses);
    }

    protected override IResponseBuilder AuthRefused() =>
        WireMockJson.Fixed(400, """{"error":"invalid_client","error_description":"invalid client credentials"}""");

    protected override string RejectionText => "REQUIRED_FIELD_MISSING: Required fields are missing: [Name] (Name)";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath(Upsert).UsingPatch()).AtPriority(50).RespondWith(WireMockJson.From(200, body => SalesforceAnswers.Results(body, rejected: key)));

    protected override int RecordsIn(ILogEntry request) => JsonNode.Parse(request.RequestMessage!.Body!)!["records"]!.AsArray().Count;

    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        request.RequestMessage!.Path == Upsert ? SalesforceAnswers.Violations(request.RequestMessage.Body!) : [];
}

/// <summary>Salesforce's documented shapes (destination-apis.md §4): the token answer, per-record results, and the request body.</summary>
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

    public static void Token(WireMock.Server.WireMockServer server, string token = "00Dxx!token-1") =>
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
}
