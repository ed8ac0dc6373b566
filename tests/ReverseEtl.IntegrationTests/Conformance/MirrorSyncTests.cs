using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Mirror syncs: a row that leaves the model deletes its destination record, by the id recorded when it was written, within the delete limit.</summary>
public sealed class MirrorSyncTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task HubSpot_RowLeavesTheModel_ArchivesItsRecordByTheRecordedIdAndForgetsIt()
    {
        AnswerHubSpot();
        await using var project = HubSpotProject(rows: 5);
        await project.RunAsync("mirror");

        project.Sql("wh.duckdb", "delete from accounts where account_id = 'acc_003'");
        var second = await project.RunAsync("mirror");

        Assert.Equal((RunStatus.Succeeded, 1L, 1L), (second.Status, second.Counts.Removed, second.Counts.Sent));
        var archive = _server.LogEntries.Single(e => e.RequestMessage!.Path.EndsWith("/batch/archive", StringComparison.Ordinal)).RequestMessage!.Body!;
        Assert.Equal("""{"inputs":[{"id":"1003"}]}""", archive);
        Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest("/crm/v3/objects/companies/batch/archive", "post", archive));
        Assert.DoesNotContain("acc_003", (await project.State.LoadRecordsAsync("mirror", CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task HubSpot_RowsWhoseWriteAnswerWasLostLeaveTheModel_ReadByTheirIdPropertyThenArchivedOrDoneWhenAbsent()
    {
        AnswerHubSpot();
        var lost = new[] { "clé-東京-🚀", "o'neil ", new string('k', 300) };
        // HubSpot holds the first (its add arrived, the answer did not); the others never arrived: 207 OBJECT_NOT_FOUND.
        _server.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/read")).RespondWith(WireMockJson.Fixed(207, $$$"""
            {"status":"COMPLETE","results":[{"id":"9001","properties":{"product_account_id":"{{{lost[0]}}}"},"createdAt":"2025-05-20T08:00:00Z","updatedAt":"2025-05-20T08:00:00Z","archived":false}],
             "numErrors":1,"errors":[{"status":"error","category":"OBJECT_NOT_FOUND","message":"Could not get some COMPANY objects, they may be deleted or not exist.","context":{"ids":["o'neil ","{{{lost[2]}}}"]},"errors":[],"links":{}}],
             "startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}
            """));
        await using var project = HubSpotProject(rows: 20);
        await project.RunAsync("mirror");
        // Their adds went out with no answer: a mirror holds such keys with no HubSpot id (MarkUnsettledAsync), then their rows left.
        await project.State.ApplyAsync("mirror", lost.Select(k => new StateUpdate(k, new RecordState(0, true))).ToList(), CancellationToken.None);

        project.Sql("wh.duckdb", "delete from accounts where account_id = 'acc_003'");
        var second = await project.RunAsync("mirror");

        Assert.Equal((RunStatus.Succeeded, 4L, 4L, 0L), (second.Status, second.Counts.Removed, second.Counts.Sent, second.Counts.Failed));
        var bodies = _server.LogEntries.Where(e => e.RequestMessage!.Path.Contains("/batch/", StringComparison.Ordinal) && !e.RequestMessage.Path.EndsWith("/upsert", StringComparison.Ordinal))
            .ToDictionary(e => e.RequestMessage!.Path[(e.RequestMessage.Path.LastIndexOf('/') + 1)..], e => e.RequestMessage!.Body!);
        var read = JsonNode.Parse(bodies["read"])!;
        Assert.Equal("product_account_id", read["idProperty"]!.GetValue<string>());
        Assert.Equal(lost.Order(StringComparer.Ordinal), read["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["1003", "9001"], JsonNode.Parse(bodies["archive"])!["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var contract = OpenApiContract.Get("hubspot-crm-companies-v3.json");
        Assert.Empty(contract.ValidateRequest("/crm/v3/objects/companies/batch/read", "post", bodies["read"]));
        Assert.Empty(contract.ValidateRequest("/crm/v3/objects/companies/batch/archive", "post", bodies["archive"]));
        Assert.Equal(19, (await project.State.LoadRecordsAsync("mirror", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task HubSpot_IdPropertyNotFromTheKey_ARowWithNoRecordedIdLeaving_FailsSayingToArchiveItByHand()
    {
        AnswerHubSpot();
        await using var project = Project(rows: 5, $$"""
            dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}" } }
            """, """
            fields: { product_account_id: account_name }
            hubspot: { object: companies, id_property: product_account_id }
            """);
        await project.RunAsync("mirror");
        await project.State.ApplyAsync("mirror", [new StateUpdate("Zoë ✓", new RecordState(0, true))], CancellationToken.None);

        var second = await project.RunAsync("mirror");

        Assert.Equal((RunStatus.PartiallyFailed, 1L, 0L, 1L), (second.Status, second.Counts.Removed, second.Counts.Sent, second.Counts.Failed));
        Assert.Equal(
            "Zoë ✓: no HubSpot id was recorded when this record was written, and 'product_account_id' is not mapped from the primary key to find it by, so it cannot be archived; archive it in HubSpot",
            Assert.Single(await project.State.GetStatusAsync(CancellationToken.None)).LastFailure);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path.EndsWith("/batch/read", StringComparison.Ordinal) || e.RequestMessage.Path.EndsWith("/batch/archive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HubSpot_MostRowsLeaveTheModel_HoldsEveryDeleteAndSaysHowToProceed()
    {
        AnswerHubSpot();
        await using var project = HubSpotProject(rows: 5);
        await project.RunAsync("mirror");

        project.Sql("wh.duckdb", "delete from accounts where account_id <> 'acc_001'");
        var second = await project.RunAsync("mirror");

        Assert.Equal(RunStatus.Held, second.Status);
        Assert.Equal("the mirror would delete 4 of the 5 records it holds, more than limits.deletes (20% of 5 held); nothing was deleted. If the model is right, `approve --sync mirror` to delete them on the next run", second.Error);
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage!.Path.EndsWith("/batch/archive", StringComparison.Ordinal));
        Assert.Equal(5, (await project.State.LoadRecordsAsync("mirror", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Salesforce_RowLeavesTheModel_DeletesItsRecordByTheRecordedId()
    {
        SalesforceAnswers.Token(_server);
        SalesforceAnswers.AnswerDescribe(_server, "Account", "Product_Account_Id__c");
        _server.Given(Request.Create().WithPath(SalesforceConformanceTests.Upsert).UsingPatch()).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        _server.Given(Request.Create().WithPath("/services/data/v62.0/composite/sobjects").UsingDelete())
            .RespondWith(WireMockJson.Fixed(200, """[{"id":"001xx0000000002","success":true,"errors":[]}]"""));
        await using var project = Project(rows: 5, """
            dest: { salesforce: { login_url: "{{url}}", client_id: cid, client_secret: secret } }
            """.Replace("{{url}}", _server.Url, StringComparison.Ordinal), """
            fields: { Product_Account_Id__c: account_id, Name: account_name }
            salesforce: { sobject: Account, external_id_field: Product_Account_Id__c }
            """);
        await project.RunAsync("mirror");

        project.Sql("wh.duckdb", "delete from accounts where account_id = 'acc_002'");
        var second = await project.RunAsync("mirror");

        Assert.Equal((RunStatus.Succeeded, 1L), (second.Status, second.Counts.Sent));
        var delete = _server.LogEntries.Single(e => e.RequestMessage!.Method == "DELETE").RequestMessage!;
        Assert.Equal(("001xx0000000002", "false"), (delete.Query!["ids"][0], delete.Query["allOrNone"][0]));
        Assert.Equal(4, (await project.State.LoadRecordsAsync("mirror", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Salesforce_RowsWhoseUpsertAnswerWasLostLeaveTheModel_DeletedByExternalIdOneByOne()
    {
        const string byExternalId = "/services/data/v62.0/sobjects/Account/Product_Account_Id__c/";
        SalesforceAnswers.Token(_server);
        SalesforceAnswers.AnswerDescribe(_server, "Account", "Product_Account_Id__c");
        _server.Given(Request.Create().WithPath(SalesforceConformanceTests.Upsert).UsingPatch()).RespondWith(WireMockJson.From(200, b => SalesforceAnswers.Results(b)));
        _server.Given(Request.Create().WithPath("/services/data/v62.0/composite/sobjects").UsingDelete())
            .RespondWith(WireMockJson.Fixed(200, """[{"id":"001xx0000000002","success":true,"errors":[]}]"""));
        // Salesforce holds the first (its upsert arrived, the answer did not), none holds the second, two hold the third.
        var lost = new[] { "clé-東京-🚀", "o'neil / x", "dup" };
        _server.Given(Request.Create().WithPath(p => p.StartsWith(byExternalId, StringComparison.Ordinal)).UsingDelete()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(request =>
            Uri.UnescapeDataString(request.AbsolutePath[byExternalId.Length..]) switch
            {
                "dup" => new WireMock.ResponseMessage { StatusCode = 300, BodyData = Text("""["/services/data/v62.0/sobjects/Account/001xx0000000091","/services/data/v62.0/sobjects/Account/001xx0000000092"]""") },
                "o'neil / x" => new WireMock.ResponseMessage { StatusCode = 404, BodyData = Text("""[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""") },
                _ => new WireMock.ResponseMessage { StatusCode = 204 },
            }));
        await using var project = Project(rows: 20, """
            dest: { salesforce: { login_url: "{{url}}", client_id: cid, client_secret: secret } }
            """.Replace("{{url}}", _server.Url, StringComparison.Ordinal), """
            fields: { Product_Account_Id__c: account_id, Name: account_name }
            salesforce: { sobject: Account, external_id_field: Product_Account_Id__c }
            """);
        await project.RunAsync("mirror");
        await project.State.ApplyAsync("mirror", lost.Select(k => new StateUpdate(k, new RecordState(0, true))).ToList(), CancellationToken.None);

        project.Sql("wh.duckdb", "delete from accounts where account_id = 'acc_002'");
        var second = await project.RunAsync("mirror");

        Assert.Equal((RunStatus.PartiallyFailed, 4L, 3L, 1L), (second.Status, second.Counts.Removed, second.Counts.Sent, second.Counts.Failed));
        var deletes = _server.LogEntries.Where(e => e.RequestMessage!.Method == "DELETE" && e.RequestMessage.AbsolutePath.StartsWith(byExternalId, StringComparison.Ordinal))
            .Select(e => Uri.UnescapeDataString(e.RequestMessage!.AbsolutePath[byExternalId.Length..]));
        Assert.Equal(lost.Order(StringComparer.Ordinal), deletes.Order(StringComparer.Ordinal));
        Assert.Equal("dup: several Account records hold Product_Account_Id__c 'dup', so none was deleted; delete the right one in Salesforce",
            Assert.Single(await project.State.GetStatusAsync(CancellationToken.None)).LastFailure);
        var held = (await project.State.LoadRecordsAsync("mirror", CancellationToken.None)).Keys.ToList();
        Assert.Equal((20, true, false), (held.Count, held.Contains("dup"), held.Contains("acc_002")));
    }

    private static WireMock.Util.BodyData Text(string json) => new() { BodyAsString = json, DetectedBodyType = WireMock.Types.BodyType.String };

    public void Dispose() => _server.Dispose();

    private void AnswerHubSpot()
    {
        HubSpotAnswers.AnswerProperties(_server, "companies", "product_account_id");
        _server.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/upsert")).RespondWith(WireMockJson.From(200, b => HubSpotAnswers.Results(b)));
        _server.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/archive")).RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(204));
    }

    private TestProject HubSpotProject(int rows) => Project(rows, $$"""
        dest: { hubspot: { token: pat-test, base_url: "{{_server.Url}}" } }
        """, """
        fields: { product_account_id: account_id, name: account_name }
        hubspot: { object: companies, id_property: product_account_id }
        """);

    private static TestProject Project(int rows, string connection, string section)
    {
        var project = new TestProject();
        project.Sql("wh.duckdb", $"""
            create table accounts as select printf('acc_%03d', i) as account_id, 'Account ' || i as account_name from range(1, {rows + 1}) t(i);
            """);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              {{connection.Trim()}}
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              mirror:
                model: accounts
                destination: dest
                mode: mirror
            {{string.Join("\n", section.Trim().Split('\n').Select(l => "    " + l))}}
            """);
    }
}
