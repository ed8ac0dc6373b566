using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReverseEtl.Abstractions.State;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>What only Intercom does: 409 on create, companies, tags and data attributes, and data events.</summary>
public sealed partial class IntercomDestinationTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public void Contract_RejectsAWrongBody_SoThatValidBodiesMeanSomething()
    {
        Contracts.RequireAvailable(); // it checks nothing but the contract
        var contract = OpenApiContract.Get("intercom-2.14.yaml");

        Assert.Empty(contract.ValidateRequest("/contacts", "post", """{"role":"user","external_id":"u1","email":"a@x.example"}"""));
        Assert.NotEmpty(contract.ValidateRequest("/events", "post", """{"event_name":"x","created_at":"yesterday","user_id":"u1"}"""));
    }

    [Fact]
    public async Task Run_CreateConflicts_UpdatesTheContactIntercomNames()
    {
        NotFound();
        _server.Given(Request.Create().WithPath("/contacts").UsingPost())
            .RespondWith(WireMockJson.Fixed(409, IntercomAnswers.Error("conflict", "A contact matching those details already exists with id=6657abc123")));
        _server.Given(Request.Create().WithPath("/contacts/6657abc123").UsingPut()).RespondWith(WireMockJson.Fixed(200, IntercomAnswers.Contact("6657abc123", "acc_001")));
        await using var project = Project(rows: 1, "intercom: { object: contacts, external_id: account_id, email: email }");

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, 1L), (report.Status, report.Counts.Sent));
        Assert.Equal(["GET", "POST", "PUT"], Requests().Select(r => r.Method));
        Assert.Equal("/contacts/6657abc123", Requests()[2].Path);
        AssertBodiesMatchTheContract();
    }

    [Fact]
    public async Task Run_ContactsWithCompanyTagsAndAttributes_CreatesWhatIsMissingOnceAndPinsTheVersion()
    {
        NotFound();
        _server.Given(Request.Create().WithPath("/contacts").UsingPost()).RespondWith(WireMockJson.From(200, b => JsonNode.Parse(IntercomAnswers.Contact("c" + b!["external_id"], b["external_id"]!.ToString()))!));
        _server.Given(Request.Create().WithPath("/data_attributes").WithParam("model", "contact").UsingGet())
            .RespondWith(WireMockJson.Fixed(200, """{"type":"list","data":[{"type":"data_attribute","name":"onboarding_stage","model":"contact","data_type":"string"}]}"""));
        _server.Given(Request.Create().WithPath("/data_attributes").WithParam("model", "company").UsingGet()).RespondWith(WireMockJson.Fixed(200, """{"type":"list","data":[]}"""));
        _server.Given(Request.Create().WithPath("/data_attributes").UsingPost().WithBody(new WildcardMatcher("*days_in_stage*contact*")))
            .RespondWith(WireMockJson.Fixed(400, IntercomAnswers.Error("parameter_invalid", "You already have 'days_in_stage' in your contact data. To save this as new people data, use a different name.")));
        _server.Given(Request.Create().WithPath("/data_attributes").UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(200, """{"type":"data_attribute","name":"x"}"""));
        _server.Given(Request.Create().WithPath("/companies").UsingPost()).RespondWith(WireMockJson.Fixed(200, IntercomAnswers.Company("531ee472cce572a6ec000006", "acc_1")));
        _server.Given(Request.Create().WithPath("/contacts/*/companies").UsingPost()).RespondWith(WireMockJson.Fixed(200, IntercomAnswers.Company("531ee472cce572a6ec000006", "acc_1")));
        _server.Given(Request.Create().WithPath("/tags").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"type":"tag","id":"7522907","name":"onboarding-nudge"}"""));
        _server.Given(Request.Create().WithPath("/contacts/*/tags").UsingPost()).RespondWith(WireMockJson.Fixed(200, """{"type":"tag","id":"7522907","name":"onboarding-nudge"}"""));
        await using var project = Project(rows: 2, """
            intercom:
              object: contacts
              external_id: account_id
              custom_attributes: [onboarding_stage, days_in_stage]
              company: { company_id: company_key, name: company_name, custom_attributes: [onboarding_stage] }
              tags: [onboarding-nudge]
            """);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, 2L), (report.Status, report.Counts.Sent));
        var calls = Requests().Select(r => $"{r.Method} {Template(r.Path)}").ToList();
        Assert.Equal(1, calls.Count(c => c == "POST /companies"));
        Assert.Equal(1, calls.Count(c => c == "POST /tags"));
        Assert.Equal(2, calls.Count(c => c == "POST /contacts/{contact_id}/companies"));
        Assert.Equal(["contact days_in_stage integer", "company onboarding_stage string"], Requests().Where(r => r.Path == "/data_attributes" && r.Method == "POST")
            .Select(r => JsonNode.Parse(r.Body!)!).Select(a => $"{a["model"]} {a["name"]} {a["data_type"]}"));
        Assert.All(Requests(), r => Assert.Equal("2.14", r.Headers!["Intercom-Version"][0]));
        AssertBodiesMatchTheContract();
    }

    [Fact]
    public async Task Run_Events_CarryTheRowsTimeAndRetryAnUnknownUserNextRun()
    {
        _server.Given(Request.Create().WithPath("/events").UsingPost()).AtPriority(100).RespondWith(WireMockJson.Fixed(202, "{}"));
        _server.Given(Request.Create().WithPath("/events").UsingPost().WithBody(new WildcardMatcher("*acc_002*"))).AtPriority(1)
            .RespondWith(WireMockJson.Fixed(404, IntercomAnswers.Error("not_found", "User Not Found")));
        await using var project = Project(rows: 2, """
            trigger: { initial: send }
            intercom: { object: events, event_name: onboarding-stage-entered, user_id: account_id, created_at: entered_at, metadata: [onboarding_stage] }
            """, mode: "trigger");

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.PartiallyFailed, 1L, 1L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        var sent = JsonNode.Parse(Requests().First(r => r.Body!.Contains("acc_001", StringComparison.Ordinal)).Body!)!;
        Assert.Equal((1746194591L, "onboarding-stage-entered"), (sent["created_at"]!.GetValue<long>(), sent["event_name"]!.GetValue<string>()));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal("acc_002: create event: Intercom has no user with user_id 'acc_002' yet; retried next run", status.LastFailure);
        AssertBodiesMatchTheContract();
    }

    public void Dispose() => _server.Dispose();

    private void NotFound() =>
        _server.Given(Request.Create().WithPath("/contacts/find_by_external_id/*").UsingGet()).RespondWith(WireMockJson.Fixed(404, IntercomAnswers.Error("not_found", "User Not Found")));

    private List<WireMock.IRequestMessage> Requests() =>
        _server.LogEntries.Select(e => e.RequestMessage!).OrderBy(r => r.DateTime).ToList();

    private void AssertBodiesMatchTheContract()
    {
        var contract = OpenApiContract.Get("intercom-2.14.yaml");
        Assert.All(Requests().Where(r => r.Method is "POST" or "PUT"), r =>
            Assert.Empty(contract.ValidateRequest(Template(r.Path), r.Method.ToLowerInvariant(), r.Body!)));
    }

    private static string Template(string path) => ContactPath().Replace(path, "/contacts/{contact_id}");

    [GeneratedRegex(@"^/contacts/(?!find_by)[^/]+")]
    private static partial Regex ContactPath();

    private TestProject Project(int rows, string section, string mode = "upsert", string? table = null)
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", table ?? $"""
            create table accounts as
            select printf('acc_%03d', i) as account_id, 'Account ' || i as account_name, printf('user%d@customer.example', i) as email,
                   'acc_1' as company_key, 'Acme' as company_name, 'signed_up' as onboarding_stage, i as days_in_stage, timestamp '2025-05-02 14:03:11' as entered_at
            from range(1, {rows + 1}) t(i);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { intercom: { token: tok-test, base_url: "{{_server.Url}}", timeout_seconds: 5 } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: {{mode}}
            {{string.Join("\n", section.Split('\n').Select(l => "    " + l))}}
            """);
    }
}
