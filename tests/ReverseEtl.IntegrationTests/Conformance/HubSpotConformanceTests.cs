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

    protected override void AnswerSuccess()
    {
        HubSpotAnswers.AnswerProperties(Server, "companies", "product_account_id", "days_in_stage");
        Server.Given(Request.Create().WithPath(Upsert).UsingPost()).AtPriority(100).RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)));
    }

    protected override IResponseBuilder RateLimited() => WireMockJson.Fixed(429, HubSpotAnswers.RateLimited("TEN_SECONDLY_ROLLING"));

    protected override IResponseBuilder AuthRefused() => WireMockJson.Fixed(401, HubSpotAnswers.Error("INVALID_AUTHENTICATION", "Authentication credentials not found."));

    protected override string RejectionText => "VALIDATION_ERROR: Property values were not valid";

    protected override void RejectRecord(string key) =>
        Server.Given(Request.Create().WithPath(Upsert).UsingPost()).AtPriority(50).RespondWith(WireMockJson.From(207, body => HubSpotAnswers.Results(body, rejected: key)));

    protected override int RecordsIn(ILogEntry request) => JsonNode.Parse(request.RequestMessage!.Body!)!["inputs"]!.AsArray().Count;

    protected override IReadOnlyList<string> ContractViolations(ILogEntry request) =>
        OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(Upsert, "post", request.RequestMessage!.Body!);
}
