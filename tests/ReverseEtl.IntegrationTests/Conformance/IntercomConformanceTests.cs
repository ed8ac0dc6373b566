using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Intercom contacts: found by external_id (404 here), then created; answers shaped by intercom-2.14.yaml.</summary>
public sealed class IntercomConformanceTests : DestinationConformanceTests
{
    protected override string WritePath => "/contacts";

    protected override int MaxBatchSize => 50;

    protected override bool RepeatsAfterTimeout => true;

    protected override string AuthError =>
        "Intercom connection 'dest': the token was refused (401); check the connection's token (written in the YAML)";

    protected override (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds) => (
        $$"""intercom: { token: tok-test, base_url: "{{baseUrl}}", timeout_seconds: {{timeoutSeconds}} }""",
        """
        mode: upsert
        intercom: { object: contacts, external_id: account_id, email: email, name: account_name }
        """);

    protected override void AnswerSuccess()
    {
        Server.Given(Request.Create().WithPath("/contacts/find_by_external_id/*").UsingGet()).AtPriority(100)
            .RespondWith(WireMockJson.Fixed(404, IntercomAnswers.Error("not_found", "User Not Found")));
        Server.Given(Request.Create().WithPath("/contacts").UsingPost()).AtPriority(100)
            .RespondWith(WireMockJson.From(200, body => JsonNode.Parse(IntercomAnswers.Contact("6657a" + body!["external_id"]!.GetValue<string>()[4..], body["external_id"]!.GetValue<string>()))!));
    }

    protected override IResponseBuilder RateLimited() =>
        WireMockJson.Fixed(429, IntercomAnswers.Error("rate_limit_exceeded", "Exceeded rate limit of 167 in 10_seconds"))
            .WithHeader("X-RateLimit-Limit", "167").WithHeader("X-RateLimit-Remaining", "0")
            .WithHeader("X-RateLimit-Reset", TimeProvider.System.GetUtcNow().AddSeconds(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    protected override IResponseBuilder AuthRefused() => WireMockJson.Fixed(401, IntercomAnswers.Error("unauthorized", "Access Token Invalid"));

    protected override string RejectionText => "parameter_invalid: Email address is invalid";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath("/contacts").UsingPost().WithBody(new WildcardMatcher($"*{key}*"))).AtPriority(50)
            .RespondWith(WireMockJson.Fixed(400, IntercomAnswers.Error("parameter_invalid", "Email address is invalid")));

    protected override int RecordsIn(ILogEntry request) => 1;

    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        OpenApiContract.Get("intercom-2.14.yaml").ValidateRequest("/contacts", "post", request.RequestMessage!.Body!);
}

/// <summary>Intercom's documented answers: a contact, a company, and the error list.</summary>
internal static class IntercomAnswers
{
    public static string Contact(string id, string externalId) =>
        $$"""{"type":"contact","id":"{{id}}","workspace_id":"ecahpwf5","external_id":"{{externalId}}","role":"user","email":"x@customer.example","created_at":1747728000,"updated_at":1747728000}""";

    public static string Company(string id, string companyId) =>
        $$"""{"type":"company","id":"{{id}}","company_id":"{{companyId}}","name":"Acme","app_id":"ecahpwf5","created_at":1747728000,"updated_at":1747728000}""";

    public static string Error(string code, string message) =>
        $$"""{"type":"error.list","request_id":"b68959ea-6328-4f8c-8e5c-4d8a1f5b0f55","errors":[{"code":"{{code}}","message":"{{message}}"}]}""";
}
