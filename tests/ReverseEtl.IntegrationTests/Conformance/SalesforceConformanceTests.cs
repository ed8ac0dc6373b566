using System.Text.Json.Nodes;
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
        SalesforceAnswers.AnswerDescribe(Server, "Account", "Product_Account_Id__c", "Days_In_Stage__c");
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
