using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The four shipped plays, as shipped, on the demo data (cut to the accounts each play acts on), against WireMock
/// answering as each vendor documents: credentials and base URLs come only from the environment, as in production.
/// </summary>
public sealed class ShippedPlaysAgainstVendorsTests : IDisposable
{
    private const string Hook = "/services/T0001/B0001/XXXXXXXXXXXXXXXX";
    private readonly WireMockServer _slack = WireMockServer.Start();
    private readonly WireMockServer _hubspot = WireMockServer.Start();
    private readonly WireMockServer _intercom = WireMockServer.Start();
    private readonly WireMockServer _salesforce = WireMockServer.Start();
    private readonly WireMockServer _webhook = WireMockServer.Start();

    [Fact]
    public async Task RunOnce_EveryPlayWithCredentials_SendsToItsVendorWithValidBodiesAndNothingToTheOutbox()
    {
        Answer();
        await using var project = new TestProject().WithShippedConfig(initialSend: true)
            .WithVariable("SLACK_BOT_TOKEN", "xoxb-test").WithVariable("SLACK_API_BASE_URL", $"{_slack.Url}/api")
            .WithVariable("HUBSPOT_TOKEN", "pat-test").WithVariable("HUBSPOT_API_BASE_URL", _hubspot.Url!)
            .WithVariable("INTERCOM_TOKEN", "tok-test").WithVariable("INTERCOM_API_BASE_URL", _intercom.Url!)
            .WithVariable("SALESFORCE_LOGIN_URL", _salesforce.Url!).WithVariable("SALESFORCE_CLIENT_ID", "cid").WithVariable("SALESFORCE_CLIENT_SECRET", "secret")
            .WithVariable("SLACK_WEBHOOK_URL", _webhook.Url + Hook);
        await CutDemoAsync(project);

        var run = await project.CliAsync("run", "--once");

        Assert.Equal((0, 6), (run.ExitCode, run.Output.Split('\n').Count(l => l.Contains(": Succeeded: ", StringComparison.Ordinal))));
        Assert.DoesNotContain("dry run", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(project.Paths.OutboxDirectory));
        Assert.All(Posts(_slack, "/api/chat.postMessage"), b => Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", b)));
        Assert.All(Posts(_hubspot, HubSpotConformanceTests.Upsert), b => Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(HubSpotConformanceTests.Upsert, "post", b)));
        Assert.All(Posts(_intercom, "/contacts"), b => Assert.Empty(OpenApiContract.Get("intercom-2.14.yaml").ValidateRequest("/contacts", "post", b)));
        Assert.All(Posts(_intercom, "/events"), b => Assert.Empty(OpenApiContract.Get("intercom-2.14.yaml").ValidateRequest("/events", "post", b)));
        Assert.All(Posts(_salesforce, SalesforceConformanceTests.Upsert), b => Assert.Empty(SalesforceAnswers.Violations(b)));
        Assert.All(new[] { Posts(_slack, "/api/chat.postMessage"), Posts(_hubspot, HubSpotConformanceTests.Upsert), Posts(_intercom, "/events"), Posts(_salesforce, SalesforceConformanceTests.Upsert), Posts(_webhook, Hook) }, Assert.NotEmpty);

        var again = await project.CliAsync("run", "--once");
        Assert.Equal(6, again.Output.Split('\n').Count(l => l.Contains("; 0 sent, 0 failed", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        foreach (var server in new[] { _slack, _hubspot, _intercom, _salesforce, _webhook })
        {
            server.Dispose();
        }
    }

    private static List<string> Posts(WireMockServer server, string path) =>
        server.LogEntries.Where(e => e.RequestMessage!.Path == path && e.RequestMessage.Method is "POST" or "PATCH").Select(e => e.RequestMessage!.Body!).ToList();

    // The accounts each play acts on, a dozen or so of each, so that the test runs at the vendors' real pace.
    private static async Task CutDemoAsync(TestProject project)
    {
        Assert.Equal(0, (await project.CliAsync("plan", "--sync", "stagnant-onboarding-alerts")).ExitCode); // generates the demo
        project.Sql("demo-warehouse.duckdb", """
            create table keep as
            select account_id from (select account_id from account_activation where not is_activated and days_in_stage >= 14 order by account_id limit 8)
            union select account_id from (select o.account_id from account_partner_overlaps o join account_activation a on a.account_id = o.account_id
                where o.is_active and not a.is_activated and a.days_in_stage >= 14 and epoch(o.model_refreshed_at) - epoch(o.overlap_first_seen_at) <= 14 * 86400 order by 1 limit 4)
            union select account_id from (select o.account_id from account_partner_overlaps o join account_activation a on a.account_id = o.account_id
                where o.is_active and o.partner_type = 'technology' and o.partner_population = 'Customers' and not a.is_activated and a.days_in_stage <= 7 order by 1 limit 4)
            """);
        foreach (var table in new[] { "account_activation", "account_partner_overlaps", "account_users" })
        {
            project.Sql("demo-warehouse.duckdb", $"delete from {table} where account_id not in (select account_id from keep)");
        }
    }

    private void Answer()
    {
        _slack.Given(Request.Create().WithPath("/api/users.lookupByEmail")).RespondWith(WireMockJson.Fixed(200, SlackEndToEndTests.LookupOk));
        _slack.Given(Request.Create().WithPath("/api/conversations.open")).RespondWith(WireMockJson.Fixed(200, SlackEndToEndTests.OpenOk));
        _slack.Given(Request.Create().WithPath("/api/chat.postMessage")).RespondWith(WireMockJson.Fixed(200, SlackEndToEndTests.PostOk));
        HubSpotAnswers.AnswerProperties(_hubspot, "companies"); // a new portal: the play's create_properties are created
        _hubspot.Given(Request.Create().WithPath("/crm/v3/properties/companies/batch/create")).RespondWith(WireMockJson.Fixed(201, """{"status":"COMPLETE","results":[],"startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}"""));
        _hubspot.Given(Request.Create().WithPath(HubSpotConformanceTests.Upsert)).RespondWith(WireMockJson.From(200, b => HubSpotAnswers.Results(b)));
        _intercom.Given(Request.Create().WithPath("/contacts/find_by_external_id/*")).RespondWith(WireMockJson.Fixed(404, IntercomAnswers.Error("not_found", "User Not Found")));
        _intercom.Given(Request.Create().WithPath("/contacts").UsingPost()).RespondWith(WireMockJson.From(200, b => JsonNode.Parse(IntercomAnswers.Contact("c" + b!["external_id"], b["external_id"]!.ToString()))!));
        _intercom.Given(Request.Create().WithPath("/data_attributes").UsingGet()).RespondWith(WireMockJson.Fixed(200, """{"type":"list","data":[]}"""));
        _intercom.Given(Request.Create().WithPath("/data_attributes").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"type":"data_attribute","name":"x"}"""));
        _intercom.Given(Request.Create().WithPath("/companies")).RespondWith(WireMockJson.From(200, b => JsonNode.Parse(IntercomAnswers.Company("co" + b!["company_id"], b["company_id"]!.ToString()))!));
        _intercom.Given(Request.Create().WithPath("/contacts/*/companies")).RespondWith(WireMockJson.Fixed(200, IntercomAnswers.Company("co1", "acc_1")));
        _intercom.Given(Request.Create().WithPath("/tags")).RespondWith(WireMockJson.Fixed(200, """{"type":"tag","id":"7522907","name":"onboarding-nudge"}"""));
        _intercom.Given(Request.Create().WithPath("/contacts/*/tags")).RespondWith(WireMockJson.Fixed(200, """{"type":"tag","id":"7522907","name":"onboarding-nudge"}"""));
        _intercom.Given(Request.Create().WithPath("/events")).RespondWith(Response.Create().WithStatusCode(202));
        SalesforceAnswers.Token(_salesforce);
        SalesforceAnswers.AnswerDescribe(_salesforce, "Account", "Product_Account_Id__c", "Overlapping_Partners__c", "Best_Help_Partner__c",
            "Best_Help_Partner_Contact__c", "Activation_Stage__c", "Stage_Entered_On__c"); // the custom fields the play says must exist
        _salesforce.Given(Request.Create().WithPath(SalesforceConformanceTests.Upsert)).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        _webhook.Given(Request.Create().WithPath(Hook)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("ok"));
    }
}
