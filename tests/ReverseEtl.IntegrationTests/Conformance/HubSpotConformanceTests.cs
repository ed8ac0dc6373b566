using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>HubSpot companies, upserted by a unique property, against answers shaped by hubspot-crm-companies-v3.json.</summary>
public sealed class HubSpotConformanceTests : DestinationConformanceTests
{
    internal const string Upsert = "/crm/v3/objects/companies/batch/upsert";

    protected override string WritePath => Upsert;

    protected override int MaxBatchSize => 100;

    protected override bool RepeatsAfterTimeout => true;

    protected override string AuthError =>
        "HubSpot connection 'dest': the token was refused (401); check the connection's token (written in the YAML)";

    protected override (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds) => (
        $$"""hubspot: { token: pat-test, base_url: "{{baseUrl}}", timeout_seconds: {{timeoutSeconds}} }""",
        """
        mode: upsert
        fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage }
        hubspot: { object: companies, id_property: product_account_id }
        """);

    protected override void AnswerSuccess() =>
        Server.Given(Request.Create().WithPath(Upsert).UsingPost()).AtPriority(100).RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)));

    protected override IResponseBuilder RateLimited() => WireMockJson.Fixed(429, HubSpotAnswers.RateLimited("TEN_SECONDLY_ROLLING"));

    protected override IResponseBuilder AuthRefused() => WireMockJson.Fixed(401, HubSpotAnswers.Error("INVALID_AUTHENTICATION", "Authentication credentials not found."));

    protected override string RejectionText => "VALIDATION_ERROR: Property values were not valid";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath(Upsert).UsingPost()).AtPriority(50).RespondWith(WireMockJson.From(207, body => HubSpotAnswers.Results(body, rejected: key)));

    protected override int RecordsIn(ILogEntry request) => JsonNode.Parse(request.RequestMessage!.Body!)!["inputs"]!.AsArray().Count;

    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(Upsert, "post", request.RequestMessage!.Body!);
}

/// <summary>HubSpot's documented answers: batch results (200/207) echoing each input, and StandardError bodies.</summary>
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
}
