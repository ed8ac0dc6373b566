using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Conformance;
using ReverseEtl.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>
/// Every run, before its first send, checks the HubSpot properties its sync writes (as <c>validate --live</c> does),
/// asking HubSpot at most once per object per 10 minutes for the runtime's life.
/// </summary>
public sealed class VendorFieldCheckRunTests : IDisposable
{
    private const string Properties = "/crm/v3/properties/companies";
    private const string Upsert = HubSpotConformanceTests.Upsert;
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task RunOnce_MappedPropertyNeitherInHubSpotNorInCreateProperties_FailsAtItsMappingBeforeSendingAnything()
    {
        HubSpotAnswers.AnswerProperties(_server, "companies", "product_account_id"); // no days_in_stage
        AnswerUpserts();
        await using var project = Project(createProperties: string.Empty);

        var run = await project.CliAsync("run", "--once", "--sync", "push");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(
            "config/project.yaml:12:89: syncs.push.fields.days_in_stage: HubSpot companies have no property 'days_in_stage' and it is not in create_properties: add it there (name: label) or create it in HubSpot first",
            run.Output, StringComparison.Ordinal);
        Assert.Equal([Properties], _server.LogEntries.Select(e => e.RequestMessage!.Path));
        Assert.Empty(await project.State.LoadRecordsAsync("push", CancellationToken.None));
    }

    [Fact]
    public async Task Run_TwoRunsWithinTenMinutes_AskForThePropertiesOnce_AndARunAfterThemAsksAgain()
    {
        HubSpotAnswers.AnswerProperties(_server, "companies", "product_account_id", "days_in_stage");
        AnswerUpserts();
        var clock = new WaitingClock(TimeProvider.System.GetUtcNow());
        await using var project = Project(createProperties: string.Empty, clock);
        await using var runtime = project.Runtime();

        var first = await clock.RunAsync(project.RunAsync(runtime, "push"));
        project.Sql("wh.duckdb", "update accounts set days_in_stage = days_in_stage + 1 where account_id = 'acc_1'");
        clock.Advance(TimeSpan.FromMinutes(9));
        var second = await clock.RunAsync(project.RunAsync(runtime, "push"));
        var listedWithinTheLifetime = PropertyLists();
        clock.Advance(TimeSpan.FromMinutes(2));
        var third = await clock.RunAsync(project.RunAsync(runtime, "push"));

        Assert.Equal((RunStatus.Succeeded, 3L), (first.Status, first.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 1L), (second.Status, second.Counts.Sent));
        Assert.Equal((RunStatus.Succeeded, 0L), (third.Status, third.Counts.Sent));
        Assert.Equal(1, listedWithinTheLifetime);
        Assert.Equal(2, PropertyLists());
    }

    [Fact]
    public async Task Run_PropertyCreatedByTheRun_TheNextRunListsAgainAndFindsIt()
    {
        HubSpotAnswers.AnswerProperties(_server, "companies", "product_account_id"); // days_in_stage is created by the sync
        _server.Given(Request.Create().WithPath($"{Properties}/batch/create").UsingPost())
            .RespondWith(WireMockJson.Fixed(201, """{"status":"COMPLETE","results":[],"startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}"""));
        AnswerUpserts();
        await using var project = Project(createProperties: ", create_properties: { days_in_stage: Days in stage }");
        await using var runtime = project.Runtime();

        var first = await project.RunAsync(runtime, "push");
        var second = await project.RunAsync(runtime, "push");

        Assert.Equal((RunStatus.Succeeded, 3L, RunStatus.Succeeded), (first.Status, first.Counts.Sent, second.Status));
        // The check's list served the first run's writer too; creating a property made the connection forget it.
        Assert.Equal([Properties, $"{Properties}/batch/create", Upsert, Properties],
            _server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => e.RequestMessage!.Path));
    }

    [Fact]
    public async Task RunOnce_DryRunWithoutAToken_SkipsTheVendorCheckSilentlyAndWritesTheOutbox()
    {
        await using var project = Project(createProperties: string.Empty, token: string.Empty);

        var run = await project.CliAsync("run", "--once", "--sync", "push");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("not checked", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Empty(_server.LogEntries);
        Assert.Single(project.OutboxRequests("dest"));
    }

    public void Dispose() => _server.Dispose();

    private int PropertyLists() => _server.LogEntries.Count(e => e.RequestMessage!.Path == Properties);

    private void AnswerUpserts() =>
        _server.Given(Request.Create().WithPath(Upsert).UsingPost()).RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)));

    private TestProject Project(string createProperties, TimeProvider? time = null, string token = "token: pat-test, ")
    {
        var project = new TestProject(time);
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values ('acc_1', 'Zoë — 東京', 3), ('acc_2', '', null), ('acc_3', null, 0)) t(account_id, account_name, days_in_stage)
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { hubspot: { {{token}}base_url: "{{_server.Url}}" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                fields: { product_account_id: account_id, name: account_name, domain: account_name, days_in_stage: days_in_stage }
                hubspot: { object: companies, id_property: product_account_id{{createProperties}} }
            """);
    }
}
