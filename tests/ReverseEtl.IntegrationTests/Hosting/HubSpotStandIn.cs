using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback HubSpot that keeps the companies it is sent (<see cref="RecordStandIn"/>). <c>batch/upsert</c> by the id
/// property (body checked against HubSpot's contract) writes the live company of each id or creates one;
/// <c>batch/archive</c> archives by HubSpot id (unknown ids ignored, 204); <c>batch/read</c> by <c>idProperty</c>
/// answers the live companies, with a 207 <c>OBJECT_NOT_FOUND</c> error for the others. The token must be <see cref="Token"/>.
/// </summary>
internal sealed class HubSpotStandIn : RecordStandIn
{
    public const string Token = "pat-kill-test";
    private const string Objects = "/crm/v3/objects/companies/batch/";
    private const string At = "2026-11-30T08:00:00.000Z";

    public HubSpotStandIn(int seed, int maxDelayMs)
        : base(seed, maxDelayMs)
    {
        HubSpotAnswers.AnswerProperties(Server, "companies", "product_account_id", "days_in_stage");
        Server.Given(Request.Create().WithPath(Objects + "upsert").UsingPost()).RespondWith(Response.Create().WithCallback(UpsertAsync));
        Server.Given(Request.Create().WithPath(Objects + "archive").UsingPost()).RespondWith(Response.Create().WithCallback(ArchiveAsync));
        Server.Given(Request.Create().WithPath(Objects + "read").UsingPost()).RespondWith(Response.Create().WithCallback(Read));
    }

    private async Task<IResponseMessage> UpsertAsync(IRequestMessage request)
    {
        Arrived();
        if (Refusal(request) is { } refusal)
        {
            return refusal;
        }

        var inputs = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var results = await AppliedWithDelaysAsync(() => inputs.Select(i =>
        {
            var result = Result(Write(i["id"]!.GetValue<string>(), i["properties"]!.AsObject(), "1"));
            result["objectWriteTraceId"] = i["objectWriteTraceId"]?.DeepClone(); // how the worker maps a result to its input
            return result;
        }).ToList());
        return Json(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = new JsonArray([.. results]), ["startedAt"] = At, ["completedAt"] = At });
    }

    private async Task<IResponseMessage> ArchiveAsync(IRequestMessage request)
    {
        Arrived();
        if (Refusal(request) is { } refusal)
        {
            return refusal;
        }

        var ids = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        await AppliedWithDelaysAsync(() => Records.Where(r => ids.Contains(r.Id)).Select(r => r.Deleted = true).ToList());
        return new ResponseMessage { StatusCode = 204 };
    }

    private IResponseMessage Read(IRequestMessage request)
    {
        if (Refusal(request) is { } refusal)
        {
            return refusal;
        }

        var asked = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        List<JsonObject> found;
        lock (Records)
        {
            found = Records.Where(r => !r.Deleted && asked.Contains(r.Key)).Select(r => Result(r, new JsonObject { ["product_account_id"] = r.Key })).ToList();
        }

        var answer = new JsonObject { ["status"] = "COMPLETE", ["results"] = new JsonArray([.. found]), ["startedAt"] = At, ["completedAt"] = At };
        var missing = asked.Except(found.Select(f => f["properties"]!["product_account_id"]!.GetValue<string>())).ToList();
        if (missing.Count > 0)
        {
            answer["numErrors"] = 1;
            answer["errors"] = new JsonArray(new JsonObject
            {
                ["status"] = "error", ["category"] = "OBJECT_NOT_FOUND", ["message"] = "Could not get some COMPANY objects, they may be deleted or not exist.",
                ["context"] = new JsonObject { ["ids"] = new JsonArray([.. missing.Select(m => JsonValue.Create(m))]) }, ["errors"] = new JsonArray(), ["links"] = new JsonObject(),
            });
        }

        return Json(missing.Count > 0 ? 207 : 200, answer);
    }

    private ResponseMessage? Refusal(IRequestMessage request) =>
        Refused(request, Token, OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(request.AbsolutePath, "post", request.Body ?? "{}")) is { } problems
            ? Json(problems.Contains("no token") ? 401 : 400, new JsonObject { ["status"] = "error", ["message"] = string.Join("; ", problems), ["category"] = "VALIDATION_ERROR" })
            : null;

    private static JsonObject Result(StoredRecord record, JsonObject? properties = null) => new()
    {
        ["id"] = record.Id, ["properties"] = properties ?? (JsonObject)record.Fields.DeepClone(), ["createdAt"] = At, ["updatedAt"] = At, ["archived"] = false,
    };
}
