using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>What only HubSpot does: 400 on a batch, the daily limit, duplicate ids in a batch, and properties created when missing.</summary>
public sealed class HubSpotDestinationTests : IDisposable
{
    private const string Upsert = HubSpotConformanceTests.Upsert;
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public void CannedAnswers_AreWhatHubSpotDocuments()
    {
        Contracts.RequireAvailable(); // it checks nothing but the contract, and that it rejects a wrong answer
        var contract = OpenApiContract.Get("hubspot-crm-companies-v3.json");
        var body = JsonNode.Parse("""{"inputs":[{"id":"acc_001","idProperty":"product_account_id","properties":{"name":"A"},"objectWriteTraceId":"acc_001"}]}""");

        Assert.Empty(contract.ValidateResponse(Upsert, "post", "200", HubSpotAnswers.Results(body).ToJsonString()));
        Assert.Empty(contract.ValidateResponse(Upsert, "post", "207", HubSpotAnswers.Results(body, rejected: "acc_001").ToJsonString()));
        Assert.NotEmpty(contract.ValidateResponse(Upsert, "post", "200", """{"status":"COMPLETE","results":[{"id":1}]}"""));
    }

    [Fact]
    public async Task Run_BatchRefusedWith400_SplitsUntilTheBadRecordIsAloneAndSendsTheRest()
    {
        Answer200();
        AnswerProperties();
        _server.Given(Request.Create().WithPath(Upsert).WithBody(new WildcardMatcher("*acc_003*"))).AtPriority(1)
            .RespondWith(WireMockJson.Fixed(400, HubSpotAnswers.Error("VALIDATION_ERROR", "Property values were not valid: [{\"isValid\":false,\"message\":\"bad\"}]")));
        await using var project = Project(rows: 4);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.PartiallyFailed, 3L, 1L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal("acc_003: VALIDATION_ERROR: Property values were not valid: [{\"isValid\":false,\"message\":\"bad\"}]", status.LastFailure);
        Assert.Equal([4, 2, 2, 1, 1], Writes().Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!["inputs"]!.AsArray().Count));
    }

    [Fact]
    public async Task Run_DailyLimitSpent_StopsAtOnceWithoutRetrying()
    {
        AnswerProperties();
        _server.Given(Request.Create().WithPath(Upsert)).RespondWith(WireMockJson.Fixed(429, HubSpotAnswers.RateLimited("DAILY")));
        await using var project = Project(rows: 150);

        var report = await project.RunAsync("push");

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Equal("HubSpot connection 'dest': the account's daily API limit is spent; the sync stops here and its remaining records go on the next run after HubSpot's daily reset", report.Error);
        Assert.Single(Writes());
    }

    [Fact]
    public async Task Run_TwoRowsWithTheSameId_SendsOneInputWithTheLastRowAndAcknowledgesBoth()
    {
        Answer200();
        AnswerProperties();
        await using var project = Project(rows: 2, idColumn: "'acc_same'");

        var report = await project.RunAsync("push");

        Assert.Equal((2L, 0L), (report.Counts.Sent, report.Counts.Failed));
        var input = Assert.Single(JsonNode.Parse(Assert.Single(Writes()).RequestMessage!.Body!)!["inputs"]!.AsArray());
        Assert.Equal(("acc_same", "Account 2"), (input!["id"]!.GetValue<string>(), input["properties"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_TwoKeysWithOneIdInBatchesSideBySide_TheLaterRowGoesOnlyOnceTheEarlierIsAnswered()
    {
        Answer200();
        AnswerProperties();
        _server.Given(Request.Create().WithPath(Upsert).UsingPost().WithBody(new WildcardMatcher("*Account 2*"))).AtPriority(1)
            .RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)).WithDelay(TimeSpan.FromMilliseconds(800)));
        await using var project = Project(rows: 3, idColumn: "case when account_id = 'acc_001' then 'Zoë-1' when account_id = 'acc_002' then 'zoë-same' else 'ZOË-SAME' end", batchSize: 1);

        var report = await project.RunAsync("push");

        // acc_001 goes alone, then batches go two at a time; acc_002 and acc_003 write one company (ids alike but for case).
        Assert.Equal((RunStatus.Succeeded, 3L), (report.Status, report.Counts.Sent));
        var writes = Writes();
        Assert.Equal(["Account 1", "Account 2", "Account 3"], writes.Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!["inputs"]![0]!["properties"]!["name"]!.GetValue<string>()));
        Assert.True(writes[2].RequestMessage!.DateTime - writes[1].RequestMessage!.DateTime >= TimeSpan.FromMilliseconds(800), "acc_003 went while acc_002's write was unanswered");
    }

    [Fact]
    public async Task Run_PropertiesMissing_CreatesOnlyTheMissingOnesBeforeTheFirstBatch()
    {
        Answer200();
        AnswerProperties("product_account_id"); // days_in_stage is missing
        _server.Given(Request.Create().WithPath("/crm/v3/properties/companies/batch/create").UsingPost())
            .RespondWith(WireMockJson.Fixed(201, """{"status":"COMPLETE","results":[],"startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}"""));
        await using var project = Project(rows: 1, createProperties: "create_properties: { product_account_id: Product account ID, days_in_stage: Days in stage }");

        var report = await project.RunAsync("push");

        Assert.Equal(1L, report.Counts.Sent);
        var paths = _server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => e.RequestMessage!.Path).ToList();
        Assert.Equal(["/crm/v3/properties/companies", "/crm/v3/properties/companies/batch/create", Upsert], paths);
        var create = _server.LogEntries.Single(e => e.RequestMessage!.Path.EndsWith("batch/create", StringComparison.Ordinal)).RequestMessage!.Body!;
        Assert.Empty(OpenApiContract.Get("hubspot-crm-properties-v3.json").ValidateRequest("/crm/v3/properties/{objectType}/batch/create", "post", create));
        Assert.Equal(["days_in_stage"], JsonNode.Parse(create)!["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_TwoSyncsOnOneToken_ShareItsPaceAndNeverExceedItTogether()
    {
        Answer200();
        AnswerProperties();
        await using var project = Project(rows: 3, batchSize: 1, rateLimit: "requests: 2, per_seconds: 3");
        project.WithFile("second.yaml", $$"""
            version: 1
            connections:
              same-token: { hubspot: { token: pat-test, base_url: "{{_server.Url}}", rate_limit: { requests: 2, per_seconds: 3 } } }
            syncs:
              push-too:
                model: accounts
                destination: same-token
                mode: upsert
                batch_size: 1
                fields: { product_account_id: company_key, name: account_name }
                hubspot: { object: companies, id_property: product_account_id }
            """);

        var reports = await Task.WhenAll(project.RunAsync("push"), project.RunAsync("push-too"));

        // Six calls on a token allowed two per 3 s, from two connections: any three consecutive calls span at least a
        // window (the rolling window frees a place 3 s after an answer, which came after its call arrived). Unshared,
        // all six would come at once.
        Assert.Equal(6L, reports.Sum(r => r.Counts.Sent));
        var times = Writes().Select(e => e.RequestMessage!.DateTime).Order().ToList();
        Assert.Equal(6, times.Count);
        Assert.All(Enumerable.Range(0, 4), i => Assert.True(times[i + 2] - times[i] >= TimeSpan.FromSeconds(3), $"calls {i} and {i + 2} came {times[i + 2] - times[i]} apart"));
    }

    [Fact]
    public async Task Run_ContactsAssociatedWithTheirCompany_ReadsCompanyIdsThenAssociatesAndRetriesAMissingCompany()
    {
        const string contacts = "/crm/v3/objects/contacts/batch/upsert";
        const string read = "/crm/v3/objects/companies/batch/read";
        const string associate = "/crm/v4/associations/contacts/companies/batch/associate/default";
        HubSpotAnswers.AnswerProperties(_server, "contacts", "user_id");
        _server.Given(Request.Create().WithPath(contacts)).RespondWith(WireMockJson.From(200, b => HubSpotAnswers.Results(b)));
        _server.Given(Request.Create().WithPath(read)).RespondWith(WireMockJson.Fixed(207, """
            {"status":"COMPLETE","results":[{"id":"9001","properties":{"product_account_id":"acc_001"},"createdAt":"2025-05-20T08:00:00Z","updatedAt":"2025-05-20T08:00:00Z","archived":false}],
             "numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"Could not get some COMPANY objects, they may be deleted or not exist.","context":{"ids":["acc_002"]},"errors":[],"links":{}}],
             "startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}
            """));
        _server.Given(Request.Create().WithPath(associate)).RespondWith(WireMockJson.Fixed(200, """{"status":"COMPLETE","results":[],"startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}"""));
        var project = new TestProject();
        await using var _ = project;
        project.Sql("wh.duckdb", """
            create table users as select * from (values ('u1', 'a@customer.example', 'acc_001'), ('u2', 'b@customer.example', 'acc_002')) t(user_id, email, account_id);
            """);
        project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}" } }
            models:
              users: { connection: wh, primary_key: user_id, sql: select * from users }
            syncs:
              people:
                model: users
                destination: dest
                mode: upsert
                hubspot:
                  object: contacts
                  id_property: email
                  associate: { object: companies, id_property: product_account_id, field: account_id }
            """);

        var report = await project.RunAsync("people");

        Assert.Equal((1L, 1L), (report.Counts.Sent, report.Counts.Failed));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal("u2: no companies record has product_account_id 'acc_002' yet; the association is retried next run", status.LastFailure);
        var bodies = _server.LogEntries.ToDictionary(e => e.RequestMessage!.Path, e => e.RequestMessage!.Body!);
        Assert.DoesNotContain("account_id", bodies[contacts], StringComparison.Ordinal);
        Assert.Empty(OpenApiContract.Get("hubspot-crm-contacts-v3.json").ValidateRequest(contacts, "post", bodies[contacts]));
        Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(read, "post", bodies[read]));
        Assert.Empty(OpenApiContract.Get("hubspot-crm-associations-v4.json").ValidateRequest("/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default", "post", bodies[associate]));
        var pair = Assert.Single(JsonNode.Parse(bodies[associate])!["inputs"]!.AsArray())!;
        Assert.Equal(("1a@customer.example", "9001"), (pair["from"]!["id"]!.GetValue<string>(), pair["to"]!["id"]!.GetValue<string>()));
    }

    public void Dispose() => _server.Dispose();

    private void Answer200() =>
        _server.Given(Request.Create().WithPath(Upsert).UsingPost()).AtPriority(100).RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)));

    // The companies' properties: HubSpot's defaults and the custom ones the sync writes, unless a test says otherwise.
    private void AnswerProperties(params string[] custom) =>
        HubSpotAnswers.AnswerProperties(_server, "companies", custom.Length > 0 ? custom : ["product_account_id", "days_in_stage"]);

    private List<WireMock.Logging.ILogEntry> Writes() =>
        _server.LogEntries.Where(e => e.RequestMessage!.Path == Upsert).OrderBy(e => e.RequestMessage!.DateTime).ToList();

    private TestProject Project(int rows, string idColumn = "account_id", string createProperties = "", int batchSize = 100, string rateLimit = "requests: 100, per_seconds: 10")
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", $"""
            create table accounts as
            select printf('acc_%03d', i) as account_id, 'Account ' || i as account_name, i as days_in_stage from range(1, {rows + 1}) t(i);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}", timeout_seconds: 5, rate_limit: { {{rateLimit}} } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: "select *, {{idColumn}} as company_key from accounts" }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                batch_size: {{batchSize}}
                fields: { product_account_id: company_key, name: account_name, days_in_stage: days_in_stage }
                hubspot: { object: companies, id_property: product_account_id, {{createProperties}} }
            """);
    }
}
