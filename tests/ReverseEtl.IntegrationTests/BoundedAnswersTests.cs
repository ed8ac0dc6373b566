using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Answers a run cannot use, per vendor family, with the shipped config and its credentials from the environment: a
/// refused credential says which connection key and variable to check (never the value); a 200 that is not JSON (a
/// proxy's or captive portal's page) says so; a create that gets no answer, or a 5xx, is never sent again blindly.
/// </summary>
public sealed class BoundedAnswersTests : IDisposable
{
    private const string Hook = "/services/T0001/B0001/XXXXXXXXXXXXXXXX";
    private readonly WireMockServer _vendor = WireMockServer.Start();

    [Theory]
    [InlineData("stagnant-onboarding-alerts", "Slack connection 'slack': ", "check the connection's token (read from SLACK_BOT_TOKEN)")]
    [InlineData("partner-co-onboarding", "Slack webhook connection 'partner-webhook': the webhook refused the message with 403 'invalid_token'", "check the connection's url (read from SLACK_WEBHOOK_URL)")]
    [InlineData("crm-partner-context-hubspot", "HubSpot connection 'hubspot': the token was refused (401)", "check the connection's token (read from HUBSPOT_TOKEN)")]
    [InlineData("intercom-onboarding-attributes", "Intercom connection 'intercom': the token was refused (401)", "check the connection's token (read from INTERCOM_TOKEN)")]
    [InlineData("crm-partner-context-salesforce", "Salesforce connection 'salesforce': the token request was refused (HTTP 400: invalid_client: invalid client credentials)",
        "check the connection's client_id and client_secret (read from SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET)")]
    public async Task Run_CredentialRefused_NamesTheKeyAndVariableToCheckButNeverTheValue(string sync, string start, string end)
    {
        _vendor.Given(Request.Create().WithPath("/api/*")).RespondWith(WireMockJson.Fixed(200, """{"ok":false,"error":"invalid_auth"}"""));
        _vendor.Given(Request.Create().WithPath(Hook)).RespondWith(Response.Create().WithStatusCode(403).WithHeader("Content-Type", "text/plain").WithBody("invalid_token"));
        _vendor.Given(Request.Create().WithPath("/crm/*")).RespondWith(WireMockJson.Fixed(401, """{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}"""));
        _vendor.Given(Request.Create().WithPath("/intercom/*")).RespondWith(WireMockJson.Fixed(401, """{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"""));
        _vendor.Given(Request.Create().WithPath("/services/oauth2/token")).RespondWith(WireMockJson.Fixed(400, """{"error":"invalid_client","error_description":"invalid client credentials"}"""));
        await using var project = Project();

        var report = await project.RunAsync(sync);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.StartsWith(start, report.Error, StringComparison.Ordinal);
        Assert.EndsWith(end, report.Error, StringComparison.Ordinal);
        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, report.Error!, StringComparison.Ordinal));
        Assert.Single(_vendor.LogEntries); // one clear failure, no retries
    }

    [Theory]
    [InlineData("stagnant-onboarding-alerts", "Slack connection 'slack'")]
    [InlineData("partner-co-onboarding", "Slack webhook connection 'partner-webhook'")]
    [InlineData("crm-partner-context-hubspot", "HubSpot connection 'hubspot'")]
    [InlineData("intercom-onboarding-attributes", "Intercom connection 'intercom'")]
    [InlineData("crm-partner-context-salesforce", "Salesforce connection 'salesforce'")]
    public async Task Run_CaptivePortalAnswers200WithHtml_SaysItIsNotJson(string sync, string who)
    {
        _vendor.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "text/html; charset=utf-8").WithBody("<!DOCTYPE html><html><body>Sign in to Café Wi‑Fi — « accès invité »</body></html>"));
        await using var project = Project();

        var report = await project.RunAsync(sync);

        Assert.Equal(
            (RunStatus.Failed, $"{who} ({new Uri(_vendor.Url!).Authority}): answered 200 with text/html, not JSON: a proxy or captive portal may be answering in the vendor's place; check the connection's base_url and the network"),
            (report.Status, report.Error));
        Assert.Empty(await project.State.LoadRecordsAsync(sync, CancellationToken.None));
    }

    [Theory]
    [InlineData(503, "(HTTP 503) to a batch create, which HubSpot may have applied, so it is not sent again blindly")]
    [InlineData(200, "no answer within 1 s (1 attempt)")]
    public async Task Run_HubSpotCreateWithoutAKnownOutcome_IsSentOnceAndNotRepeated(int status, string reason)
    {
        var answer = WireMockJson.Fixed(status, """{"status":"error","message":"Service Unavailable","category":"Service Unavailable"}""");
        _vendor.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/create")).RespondWith(status == 200 ? answer.WithDelay(TimeSpan.FromSeconds(3)) : answer);
        HubSpotAnswers.AnswerProperties(_vendor, "companies", "product_account_id");
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values ('acc_1', 'Zoë ''Ünïcode'' & Co 🚀'), ('acc_2', ''), ('acc_3', null)) t(account_id, account_name);
            """);
        project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: { hubspot: { token: pat-test, base_url: "{{_vendor.Url}}", timeout_seconds: 1 } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              create:
                model: accounts
                destination: crm
                mode: create_only
                fields: { name: account_name }
                hubspot: { object: companies, id_property: product_account_id }
            """);

        var report = await project.RunAsync("create");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains(reason, report.Error, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(status == 200 ? 3 : 0)); // WireMock logs a slow answer once it is given
        // The properties list (the check before sending), then the one create, not repeated.
        Assert.Equal(["/crm/v3/properties/companies", "/crm/v3/objects/companies/batch/create"],
            _vendor.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => e.RequestMessage!.Path));
        Assert.Empty(await project.State.LoadRecordsAsync("create", CancellationToken.None));
    }

    public void Dispose() => _vendor.Dispose();

    private static readonly string[] Secrets = ["xoxb-secret-1", "pat-secret-2", "tok-secret-3", "cid-secret-4", "cs-secret-5", "XXXXXXXXXXXXXXXX"];

    // Every vendor of the shipped config on one WireMock, with credentials (and base URLs) only in the environment.
    private TestProject Project() => new TestProject().WithShippedConfig(initialSend: true)
        .WithVariable("SLACK_BOT_TOKEN", Secrets[0]).WithVariable("SLACK_API_BASE_URL", $"{_vendor.Url}/api")
        .WithVariable("HUBSPOT_TOKEN", Secrets[1]).WithVariable("HUBSPOT_API_BASE_URL", _vendor.Url!)
        .WithVariable("INTERCOM_TOKEN", Secrets[2]).WithVariable("INTERCOM_API_BASE_URL", $"{_vendor.Url}/intercom")
        .WithVariable("SALESFORCE_LOGIN_URL", _vendor.Url!).WithVariable("SALESFORCE_CLIENT_ID", Secrets[3]).WithVariable("SALESFORCE_CLIENT_SECRET", Secrets[4])
        .WithVariable("SLACK_WEBHOOK_URL", _vendor.Url + Hook);
}
