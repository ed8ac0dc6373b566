using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.RequestBuilders;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Rows with nulls, empty strings, long and non-ASCII text: a null is left out where Intercom's description forbids it.</summary>
public sealed partial class IntercomDestinationTests
{
    private const string AwkwardTable = $"""
        create table accounts (account_id varchar, account_name varchar, email varchar, company_key varchar, company_name varchar,
            onboarding_stage varchar, suggested_integration varchar, entered_at timestamp);
        insert into accounts values
            ('acc_001', null, null, 'co_1', null, 'signed_up', null, timestamp '2025-05-02 14:03:11'),
            ('acc_002', '', 'user2@customer.example', 'co_2', '', '', '', timestamp '2025-05-02 14:03:11'),
            ('acc_003', {AwkwardRows.LongName}, 'user3@customer.example', 'co_3', {AwkwardRows.LongName}, 'activated', {AwkwardRows.LongName}, timestamp '2025-05-03 09:00:00'),
            ('acc_004', 'Zoë Ørsted — Café 東京', 'zoë@customer.example', 'co_4', 'Société Générale ß', 'first_sync_completed', 'Ωmega – Zürich 🚀', timestamp '2025-05-04 10:00:00');
        """;

    [Fact]
    public async Task Run_EventsWithNullMetadata_TheNullLeftOutAndEveryEventValid()
    {
        _server.Given(Request.Create().WithPath("/events").UsingPost()).RespondWith(WireMockJson.Fixed(202, "{}"));
        await using var project = Project(0, """
            trigger: { initial: send }
            intercom: { object: events, event_name: onboarding-stage-entered, user_id: account_id, created_at: entered_at, metadata: [onboarding_stage, suggested_integration, account_name] }
            """, mode: "trigger", table: AwkwardTable);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, AwkwardRows.Count, 0L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        var first = JsonNode.Parse(Requests().Single(r => r.Body!.Contains("acc_001", StringComparison.Ordinal)).Body!)!;
        Assert.Equal("""{"onboarding_stage":"signed_up"}""", first["metadata"]!.ToJsonString());
        var empty = JsonNode.Parse(Requests().Single(r => r.Body!.Contains("acc_002", StringComparison.Ordinal)).Body!)!;
        Assert.Equal("""{"onboarding_stage":"","suggested_integration":"","account_name":""}""", empty["metadata"]!.ToJsonString());
        AssertBodiesMatchTheContract();
    }

    [Fact]
    public async Task Run_TokenRefusedMidBatch_TheEventsPostedBeforeItAreStoredAndOnlyTheRestGoNextRun()
    {
        _server.Given(Request.Create().WithPath("/events").UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(202, "{}"));
        _server.Given(Request.Create().WithPath("/events").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*acc_003*"))).AtPriority(1)
            .InScenario("token").WillSetStateTo("renewed").RespondWith(WireMockJson.Fixed(401, IntercomAnswers.Error("unauthorized", "Access Token Invalid")));
        await using var project = Project(0, """
            trigger: { initial: send }
            intercom: { object: events, event_name: onboarding-stage-entered, user_id: account_id, created_at: entered_at, metadata: [account_name] }
            """, mode: "trigger", table: AwkwardTable);

        var failed = await project.RunAsync("push");
        var stored = await project.State.LoadRecordsAsync("push", CancellationToken.None);
        var posted = Requests().Count;
        var next = await project.RunAsync("push");

        Assert.Equal((RunStatus.Failed, 2L), (failed.Status, failed.Counts.Sent));
        Assert.Equal(["acc_001", "acc_002"], stored.Keys.Order()); // Intercom answered 202 for both before the 401
        Assert.Equal((RunStatus.Succeeded, 2L), (next.Status, next.Counts.Sent));
        Assert.Equal(["acc_003", "acc_004"], Requests().Skip(posted).Select(r => JsonNode.Parse(r.Body!)!["user_id"]!.GetValue<string>()).Order());
        AssertBodiesMatchTheContract();
    }

    [Fact]
    public async Task Run_AnEventUnansweredMidBatch_OnlyItIsUnsureAndTheEventsAfterItWereNeverSent()
    {
        _server.Given(Request.Create().WithPath("/events").UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(202, "{}"));
        _server.Given(Request.Create().WithPath("/events").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*acc_002*"))).AtPriority(1)
            .RespondWith(WireMockJson.Fixed(202, "{}").WithDelay(TimeSpan.FromSeconds(7)));
        await using var project = Project(0, """
            trigger: { initial: send }
            intercom: { object: events, event_name: onboarding-stage-entered, user_id: account_id, created_at: entered_at, metadata: [account_name] }
            """, mode: "trigger", table: AwkwardTable);

        var report = await project.RunAsync("push");
        var stored = await project.State.LoadRecordsAsync("push", CancellationToken.None);
        var unsure = await project.State.LoadPendingAsync("push", CancellationToken.None);

        Assert.Equal((RunStatus.Failed, 1L), (report.Status, report.Counts.Sent));
        Assert.Equal(["acc_001"], stored.Keys);
        Assert.Equal(["acc_002"], unsure.Keys); // acc_003 and acc_004 never went: sent next run as new, whatever the delivery setting
        Assert.DoesNotContain(Requests(), r => r.Body!.Contains("acc_003", StringComparison.Ordinal) || r.Body.Contains("acc_004", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_ContactsAndCompaniesWithNulls_NullClearsOnlyWhereIntercomAllowsIt()
    {
        NotFound();
        _server.Given(Request.Create().WithPath("/contacts").UsingPost()).RespondWith(WireMockJson.From(200, b => JsonNode.Parse(IntercomAnswers.Contact("c" + b!["external_id"], b["external_id"]!.ToString()))!));
        _server.Given(Request.Create().WithPath("/data_attributes").UsingGet()).RespondWith(WireMockJson.Fixed(200, """{"type":"list","data":[]}"""));
        _server.Given(Request.Create().WithPath("/data_attributes").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"type":"data_attribute","name":"x"}"""));
        _server.Given(Request.Create().WithPath("/companies").UsingPost()).RespondWith(WireMockJson.From(200, b => JsonNode.Parse(IntercomAnswers.Company("x" + b!["company_id"], b["company_id"]!.ToString()))!));
        _server.Given(Request.Create().WithPath("/contacts/*/companies").UsingPost()).RespondWith(WireMockJson.Fixed(200, IntercomAnswers.Company("xco_1", "co_1")));
        await using var project = Project(0, """
            intercom:
              object: contacts
              external_id: account_id
              email: email
              name: account_name
              custom_attributes: [onboarding_stage, suggested_integration]
              company: { company_id: company_key, name: company_name, custom_attributes: [suggested_integration] }
            """, table: AwkwardTable);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, AwkwardRows.Count, 0L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        var contact = Requests().Single(r => r.Path == "/contacts" && r.Body!.Contains("acc_001", StringComparison.Ordinal)).Body!;
        Assert.Equal("""{"role":"user","external_id":"acc_001","name":null,"custom_attributes":{"onboarding_stage":"signed_up","suggested_integration":null}}""", contact);
        var company = Requests().Single(r => r.Path == "/companies" && r.Body!.Contains("co_1", StringComparison.Ordinal)).Body!;
        Assert.Equal("""{"company_id":"co_1","custom_attributes":{"suggested_integration":""}}""", company); // "" clears it
        AssertBodiesMatchTheContract();
    }
}
