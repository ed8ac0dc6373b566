using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>What only Salesforce does: a renewed session, row locks, the daily usage guard, and the JWT bearer flow.</summary>
public sealed class SalesforceDestinationTests : IDisposable
{
    private const string Upsert = SalesforceConformanceTests.Upsert;
    private const string Describe = "/services/data/v62.0/sobjects/Account/describe";
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task Run_SessionExpired_RenewsTheTokenOnceAndRepeatsTheCall()
    {
        _server.Given(Request.Create().WithPath("/services/oauth2/token")).InScenario("token").WillSetStateTo("second")
            .RespondWith(WireMockJson.Fixed(200, $$"""{"access_token":"old","instance_url":"{{_server.Url}}","token_type":"Bearer"}"""));
        _server.Given(Request.Create().WithPath("/services/oauth2/token")).InScenario("token").WhenStateIs("second")
            .RespondWith(WireMockJson.Fixed(200, $$"""{"access_token":"new","instance_url":"{{_server.Url}}","token_type":"Bearer"}"""));
        _server.Given(Request.Create().WithPath(Upsert).WithHeader("Authorization", "Bearer old")).AtPriority(1)
            .RespondWith(WireMockJson.Fixed(401, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""));
        _server.Given(Request.Create().WithPath(Upsert).WithHeader("Authorization", "Bearer new")).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        await using var project = Project(rows: 2);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, 2L), (report.Status, report.Counts.Sent));
        // The describe before the run (the fields check) still has the first session; the write meets its expiry.
        Assert.Equal(["/services/oauth2/token", Describe, Upsert, "/services/oauth2/token", Upsert], Paths());
    }

    [Fact]
    public async Task Run_RowLockedOnce_SendsThatRecordAgainAloneAndDeliversAll()
    {
        SalesforceAnswers.Token(_server);
        _server.Given(Request.Create().WithPath(Upsert)).InScenario("lock").WillSetStateTo("free").RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b, lockedOnce: "acc_002")));
        _server.Given(Request.Create().WithPath(Upsert)).InScenario("lock").WhenStateIs("free").RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        await using var project = Project(rows: 3);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, 3L, (string?)null), (report.Status, report.Counts.Sent, (await project.State.GetStatusAsync(CancellationToken.None))[0].LastFailure));
        Assert.Equal([3, 1], Writes().Select(b => b["records"]!.AsArray().Count));
        Assert.Equal("acc_002", Writes()[1]["records"]![0]!["Product_Account_Id__c"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_LockedRowSentAgainFails_TheRecordsTheFirstCallWroteAreStoredAndOnlyTheLockedOneGoesNextRun()
    {
        SalesforceAnswers.Token(_server);
        _server.Given(Request.Create().WithPath(Upsert)).InScenario("lock").WillSetStateTo("down").RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b, lockedOnce: "acc_002")));
        _server.Given(Request.Create().WithPath(Upsert)).InScenario("lock").WhenStateIs("down").WillSetStateTo("up")
            .RespondWith(WireMockJson.Fixed(400, """[{"message":"Session mode is read-only for maintenance","errorCode":"INVALID_OPERATION"}]"""));
        _server.Given(Request.Create().WithPath(Upsert)).InScenario("lock").WhenStateIs("up").RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        await using var project = Project(rows: 3);

        var failed = await project.RunAsync("push");
        var stored = await project.State.LoadRecordsAsync("push", CancellationToken.None);
        var unsure = await project.State.LoadPendingAsync("push", CancellationToken.None);
        var next = await project.RunAsync("push");

        Assert.Equal((RunStatus.Failed, 2L), (failed.Status, failed.Counts.Sent));
        Assert.Equal(["acc_001", "acc_003"], stored.Keys.Order()); // Salesforce answered success for them in the first call
        Assert.Empty(unsure); // acc_002 surely did not arrive: sent next run as new
        Assert.Equal((RunStatus.Succeeded, 1L), (next.Status, next.Counts.Sent));
        Assert.Equal(["acc_002"], Writes()[^1]["records"]!.AsArray().Select(r => r!["Product_Account_Id__c"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Run_OrgPastItsUsageLimit_StopsBeforeTheNextBatch()
    {
        SalesforceAnswers.Token(_server);
        _server.Given(Request.Create().WithPath(Upsert)).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)).WithHeader("Sforce-Limit-Info", "api-usage=95/100"));
        await using var project = Project(rows: 3, batchSize: 1);

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Failed, 1L), (report.Status, report.Counts.Sent));
        Assert.Equal("Salesforce connection 'dest': the org has used 95/100 (95%) of its daily API requests, past usage_limit_percent 90; the sync stops and its remaining records go on the next run", report.Error);
        Assert.Single(Writes());
    }

    [Fact]
    public async Task Run_JwtBearerFlow_SignsAnAssertionTheAppsCertificateVerifies()
    {
        SalesforceAnswers.Token(_server);
        _server.Given(Request.Create().WithPath(Upsert)).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        using var key = RSA.Create(2048);
        await using var project = Project(rows: 1, auth: "private_key_path: keys/app.pem, username: integration@ourco.example");
        project.WithFile("keys/app.pem", key.ExportPkcs8PrivateKeyPem());

        var report = await project.RunAsync("push");

        Assert.Equal((RunStatus.Succeeded, 1L), (report.Status, report.Counts.Sent));
        var form = _server.LogEntries.Single(e => e.RequestMessage!.Path == "/services/oauth2/token").RequestMessage!.Body!;
        var fields = form.Split('&').Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", fields["grant_type"]);
        var parts = fields["assertion"].Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        Assert.Equal(("cid", "integration@ourco.example", _server.Url), (claims["iss"]!.GetValue<string>(), claims["sub"]!.GetValue<string>(), claims["aud"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Load_ClientIdWithoutSecretOrKey_SaysWhichFlowNeedsWhat()
    {
        await using var project = Project(rows: 1, auth: "username: someone");

        var error = Assert.Single(project.Errors());
        Assert.Matches(@"^config/project\.yaml:4:\d+: connections\.dest\.salesforce\.client_id: ", error);
        Assert.EndsWith(": set client_secret (client credentials flow) or private_key_path and username (JWT bearer flow)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_KeyShorterThan2048Bits_NamedBeforeAnyRun()
    {
        using var key = RSA.Create(1024);
        await using var project = Project(rows: 1, auth: "private_key_path: keys/short.pem, username: integration@ourco.example");
        project.WithFile("keys/short.pem", key.ExportPkcs8PrivateKeyPem());

        var error = Assert.Single(project.Errors());

        Assert.Matches(@"^config/project\.yaml:4:\d+: connections\.dest\.salesforce\.private_key_path: '[^']*keys/short\.pem' is a 1024-bit key; the JWT bearer flow needs an RSA key of at least 2048 bits$", error);
    }

    public void Dispose() => _server.Dispose();

    private List<string> Paths() => _server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => e.RequestMessage!.Path).ToList();

    private List<JsonNode> Writes() => _server.LogEntries.Where(e => e.RequestMessage!.Path == Upsert)
        .OrderBy(e => e.RequestMessage!.DateTime).Select(e => JsonNode.Parse(e.RequestMessage!.Body!)!).ToList();

    private TestProject Project(int rows, int batchSize = 200, string auth = "client_secret: secret")
    {
        SalesforceAnswers.AnswerDescribe(_server, "Account", "Product_Account_Id__c", "Days_In_Stage__c");
        var project = new TestProject();
        project.Sql("wh.duckdb", $"""
            create table accounts as
            select printf('acc_%03d', i) as account_id, 'Account ' || i as account_name, i as days_in_stage from range(1, {rows + 1}) t(i);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest: { salesforce: { login_url: "{{_server.Url}}", client_id: cid, {{auth}}, timeout_seconds: 5 } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: dest
                mode: upsert
                batch_size: {{batchSize}}
                fields: { Product_Account_Id__c: account_id, Name: account_name, Days_In_Stage__c: days_in_stage }
                salesforce: { sobject: Account, external_id_field: Product_Account_Id__c }
            """);
    }
}
