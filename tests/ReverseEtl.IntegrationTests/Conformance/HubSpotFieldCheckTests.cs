using ReverseEtl.IntegrationTests.LiveChecks;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>validate --live asks HubSpot for the object's properties: a mapped field neither there nor in create_properties is named.</summary>
public sealed class HubSpotFieldCheckTests : IDisposable
{
    private const string Properties = "/crm/v3/properties/companies";
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task ValidateLive_FieldNotAPropertyNorInCreateProperties_NamedAtItsMappingAndNothingWritten()
    {
        const string listed = """{"results":[{"name":"name","label":"Name","type":"string","fieldType":"text","groupName":"companyinformation","description":"","options":[]},{"name":"domain","label":"Domain","type":"string","fieldType":"text","groupName":"companyinformation","description":"","options":[]}]}""";
        Assert.Empty(OpenApiContract.Get("hubspot-crm-properties-v3.json").ValidateResponse("/crm/v3/properties/{objectType}", "get", "200", listed));
        _server.Given(Request.Create().WithPath(Properties).UsingGet()).RespondWith(WireMockJson.Fixed(200, listed));
        await using var project = Project();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal(
            ["config/project.yaml:12:83: syncs.push.fields.days_in_stage: HubSpot companies have no property 'days_in_stage' and it is not in create_properties: add it there (name: label) or create it in HubSpot first",
             "1 problem(s) found against the warehouse and the destinations."],
            PlayTypoTests.Lines(live.Error));
        Assert.Equal([Properties], _server.LogEntries.Select(e => e.RequestMessage!.Path));
    }

    [Fact]
    public async Task ValidateLive_NoFieldsAndAColumnOfAKeptName_NamedOnceNotAlsoAsAMissingProperty()
    {
        const string listed = """{"results":[{"name":"name","label":"Name","type":"string","fieldType":"text","groupName":"companyinformation","description":"","options":[]}]}""";
        Assert.Empty(OpenApiContract.Get("hubspot-crm-properties-v3.json").ValidateResponse("/crm/v3/properties/{objectType}", "get", "200", listed));
        _server.Given(Request.Create().WithPath(Properties).UsingGet()).RespondWith(WireMockJson.Fixed(200, listed));
        var project = new TestProject();
        project.Sql("wh.duckdb", "create table accounts as select 'acc_1' as product_account_id, 'Zoë — 東京' as name, '' as retl_extra__");
        await using var _ = project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}" } }
            models:
              accounts: { connection: wh, primary_key: product_account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                hubspot: { object: companies, id_property: product_account_id, create_properties: { product_account_id: Product account ID } }
            """);

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal(
            [$"config/project.yaml:9:12: syncs.push.model: model 'accounts' returns a column named 'retl_extra__': {ReverseEtl.Core.Running.ModelQuery.ReservedNames}; rename the column in the model",
             "1 problem(s) found against the warehouse and the destinations."],
            PlayTypoTests.Lines(live.Error));
    }

    [Fact]
    public async Task ValidateLive_HubSpotRefusesTheToken_ExitsOneNamingTheConnection()
    {
        _server.Given(Request.Create().WithPath(Properties).UsingGet())
            .RespondWith(WireMockJson.Fixed(401, """{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION","correlationId":"c0ffee"}"""));
        await using var project = Project();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(1, live.ExitCode);
        Assert.StartsWith("config/project.yaml:8:3: sync 'push': the destination could not be asked: HubSpot connection 'dest': ", PlayTypoTests.Lines(live.Error)[0], StringComparison.Ordinal);
    }

    public void Dispose() => _server.Dispose();

    private TestProject Project()
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", "create table accounts as select 'acc_1' as account_id, 'Zoë — 東京' as account_name, 3 as days_in_stage, null::varchar as domain");
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                fields: { product_account_id: account_id, name: account_name, domain: domain, days_in_stage: days_in_stage }
                hubspot: { object: companies, id_property: product_account_id, create_properties: { product_account_id: Product account ID } }
            """);
    }
}
