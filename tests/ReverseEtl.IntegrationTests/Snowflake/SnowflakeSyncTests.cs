using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>A sync reading Snowflake (its SQL API served by WireMock): upper-case columns match, the condition runs in Snowflake.</summary>
public sealed class SnowflakeSyncTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task Run_ModelInSnowflake_MatchesUpperCaseColumnsAndSendsWhatEnters()
    {
        _server.Given(Request.Create().WithPath("/api/v2/statements").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody("""
                {"resultSetMetaData":{"numRows":3,"format":"jsonv2","rowType":[
                  {"name":"ACCOUNT_ID","type":"text","nullable":false},{"name":"ACCOUNT_NAME","type":"text","nullable":false},
                  {"name":"DAYS_IN_STAGE","type":"fixed","scale":0,"nullable":false},{"name":"RETL_MATCHES__","type":"boolean","nullable":true}],
                  "partitionInfo":[{"rowCount":3,"uncompressedSize":120}]},
                 "data":[["acc_0193","Northwind Traders","18","true"],["acc_0194","Contoso","2","false"],["acc_0195","Fabrikam","30","true"]],
                 "code":"090001","sqlState":"00000","message":"Statement executed successfully.","statementHandle":"01b2","statementStatusUrl":"/api/v2/statements/01b2"}
                """));
        await using var project = new TestProject().WithVariable("SNOWFLAKE_TOKEN", "pat-secret").WithFile("project.yaml", $$$"""
            version: 1
            connections:
              sf: { snowflake: { account: myorg-myaccount, token: "${SNOWFLAKE_TOKEN}", base_url: "{{{_server.Url}}}", warehouse: REVERSE_ETL_WH, database: ANALYTICS, schema: MARTS } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: sf, primary_key: account_id, sql: "select account_id, account_name, days_in_stage from account_activation" }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "days_in_stage >= 14", initial: send }
                slack: { channel: "#cs", text: "{{ row.account_name }}: {{ row.days_in_stage }} days" }
            """);

        var report = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.Succeeded, 3L, 2L), (report.Status, report.Counts.RowsRead, report.Counts.Sent));
        var statements = _server.LogEntries.Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!).ToList();
        Assert.Equal(2, statements.Count); // the zero-row check of the model's columns, then the read
        Assert.EndsWith("where 1 = 0", statements[0]["statement"]!.GetValue<string>(), StringComparison.Ordinal);
        var statement = statements[1];
        Assert.Contains("(days_in_stage >= 14) as retl_matches__", statement["statement"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("REVERSE_ETL_WH", "reverse-etl:alerts"), (statement["warehouse"]!.GetValue<string>(), statement["parameters"]!["query_tag"]!.GetValue<string>()));
        Assert.Contains(File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")), l => l.Contains("Northwind Traders: 18 days", StringComparison.Ordinal));
    }

    public void Dispose() => _server.Dispose();
}
