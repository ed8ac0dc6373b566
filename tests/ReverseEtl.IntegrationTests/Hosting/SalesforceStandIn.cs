using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback Salesforce org that keeps the Accounts it is sent (<see cref="RecordStandIn"/>), as destination-apis.md §4
/// documents: the OAuth token, the describe, the sObject Collections upsert by <see cref="ExternalId"/> (body checked,
/// results in order), the collections delete by ids (<c>ENTITY_IS_DELETED</c> for one already deleted), and the delete
/// by external id (204, or 404 when no record holds it).
/// </summary>
internal sealed class SalesforceStandIn : RecordStandIn
{
    public const string ExternalId = "Product_Account_Id__c";
    private const string Token = "00Dxx!token-1";
    private const string Data = "/services/data/v62.0";

    public SalesforceStandIn(int seed, int maxDelayMs)
        : base(seed, maxDelayMs)
    {
        SalesforceAnswers.Token(Server, Token);
        SalesforceAnswers.AnswerDescribe(Server, "Account", ExternalId, "Notes__c", "Days_In_Stage__c");
        Server.Given(Request.Create().WithPath($"{Data}/composite/sobjects/Account/{ExternalId}").UsingPatch()).RespondWith(Response.Create().WithCallback(UpsertAsync));
        Server.Given(Request.Create().WithPath($"{Data}/composite/sobjects").UsingDelete()).RespondWith(Response.Create().WithCallback(DeleteAsync));
        Server.Given(Request.Create().WithPath(p => p.StartsWith($"{Data}/sobjects/Account/{ExternalId}/", StringComparison.Ordinal)).UsingDelete())
            .RespondWith(Response.Create().WithCallback(DeleteByExternalIdAsync));
    }

    private async Task<IResponseMessage> UpsertAsync(IRequestMessage request)
    {
        Arrived();
        if (Refused(request, Token, SalesforceAnswers.Violations(request.Body ?? "{}")) is { } problems)
        {
            return Json(problems.Contains("no token") ? 401 : 400, Error("INVALID_FIELD", string.Join("; ", problems)));
        }

        var records = JsonNode.Parse(request.Body!)!["records"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var results = await AppliedWithDelaysAsync(() => records.Select(r =>
        {
            var created = !Records.Any(s => !s.Deleted && s.Key == r[ExternalId]!.GetValue<string>());
            var fields = new JsonObject(r.Where(f => f.Key != "attributes").Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone())));
            var stored = Write(r[ExternalId]!.GetValue<string>(), fields, "001KIL");
            return new JsonObject { ["id"] = stored.Id, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = created };
        }).ToList());
        return Json(200, new JsonArray([.. results]));
    }

    private async Task<IResponseMessage> DeleteAsync(IRequestMessage request)
    {
        Arrived();
        if (Refused(request, Token, []) is not null)
        {
            return Json(401, Error("INVALID_SESSION_ID", "Session expired or invalid"));
        }

        var ids = request.Query!["ids"].SelectMany(v => v.Split(',')).ToList();
        var results = await AppliedWithDelaysAsync(() => ids.Select(id => Records.FirstOrDefault(r => r.Id == id) switch
        {
            { Deleted: false } live => Deleted(live),
            { } gone => new JsonObject { ["id"] = gone.Id, ["success"] = false, ["errors"] = new JsonArray(RecordError("ENTITY_IS_DELETED", "entity is deleted")) },
            null => new JsonObject { ["id"] = id, ["success"] = false, ["errors"] = new JsonArray(RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")) },
        }).ToList());
        return Json(200, new JsonArray([.. results]));
    }

    private async Task<IResponseMessage> DeleteByExternalIdAsync(IRequestMessage request)
    {
        Arrived();
        if (Refused(request, Token, []) is not null)
        {
            return Json(401, Error("INVALID_SESSION_ID", "Session expired or invalid"));
        }

        var key = Uri.UnescapeDataString(request.AbsolutePath[$"{Data}/sobjects/Account/{ExternalId}/".Length..]);
        var deleted = await AppliedWithDelaysAsync(() => Records.FirstOrDefault(r => !r.Deleted && r.Key == key) is { } live && Deleted(live) is not null);
        return deleted ? new ResponseMessage { StatusCode = 204 } : Json(404, Error("NOT_FOUND", "The requested resource does not exist"));
    }

    private static JsonObject Deleted(StoredRecord record)
    {
        record.Deleted = true;
        return new JsonObject { ["id"] = record.Id, ["success"] = true, ["errors"] = new JsonArray() };
    }

    private static JsonObject RecordError(string code, string message) => new() { ["statusCode"] = code, ["message"] = message, ["fields"] = new JsonArray() };

    private static JsonArray Error(string code, string message) => [new JsonObject { ["errorCode"] = code, ["message"] = message }];
}
