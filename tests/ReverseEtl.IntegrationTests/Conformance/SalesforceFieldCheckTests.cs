using ReverseEtl.IntegrationTests.LiveChecks;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>
/// validate --live describes the sObject (GET .../sobjects/Account/describe, answered here as Salesforce documents it):
/// a mapped field it lacks, or one the integration user cannot set, is named at its name under fields:.
/// </summary>
public sealed class SalesforceFieldCheckTests : IDisposable
{
    private const string Describe = "/services/data/v62.0/sobjects/Account/describe";
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task ValidateLive_FieldMissingAndFieldReadOnly_BothNamedAndNothingWritten()
    {
        _server.Given(Request.Create().WithPath("/services/oauth2/token"))
            .RespondWith(WireMockJson.Fixed(200, $$"""{"access_token":"tok","instance_url":"{{_server.Url}}","token_type":"Bearer"}"""));
        _server.Given(Request.Create().WithPath(Describe).UsingGet()).RespondWith(WireMockJson.Fixed(200, """
            {"name":"Account","fields":[
              {"name":"Id","createable":false,"updateable":false,"type":"id"},
              {"name":"Name","createable":true,"updateable":true,"type":"string"},
              {"name":"product_account_id__c","createable":true,"updateable":true,"type":"string"},
              {"name":"CreatedDate","createable":false,"updateable":false,"type":"datetime"}]}
            """));
        await using var project = Project();

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal(
            ["config/project.yaml:12:70: syncs.push.fields.Days_In_Stage__c: Salesforce Account has no field 'Days_In_Stage__c': create it (custom fields end in __c) and give the integration user access, or fix the mapping",
             "config/project.yaml:12:103: syncs.push.fields.CreatedDate: Salesforce Account field 'CreatedDate' cannot be set by the integration user (neither createable nor updateable): check its field-level security",
             "2 problem(s) found against the warehouse and the destinations."],
            PlayTypoTests.Lines(live.Error));
        Assert.Equal(["/services/oauth2/token", Describe], _server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => e.RequestMessage!.Path));
    }

    [Fact]
    public async Task ValidateLive_NoClientId_SaysTheFieldCheckWasSkipped()
    {
        await using var project = Project(connection: "{ salesforce: { login_url: \"http://127.0.0.1:9\" } }");

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(0, live.ExitCode);
        Assert.Contains("note: config/project.yaml:8:3: sync 'push': destination fields not checked: dry run: Salesforce connection 'dest' has no client_id, so the Account fields could not be described", live.Output, StringComparison.Ordinal);
        Assert.Empty(PlayTypoTests.Lines(live.Error));
    }

    public void Dispose() => _server.Dispose();

    private TestProject Project(string? connection = null)
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", "create table accounts as select 'acc_1' as account_id, 'Zoë — 東京' as account_name, 3 as days_in_stage");
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: {{connection ?? $"{{ salesforce: {{ login_url: \"{_server.Url}\", client_id: cid, client_secret: secret }} }}"}}
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                fields: { Product_Account_Id__c: account_id, Name: account_name, Days_In_Stage__c: days_in_stage, CreatedDate: account_name }
                salesforce: { sobject: Account, external_id_field: Product_Account_Id__c }
            """);
    }
}
