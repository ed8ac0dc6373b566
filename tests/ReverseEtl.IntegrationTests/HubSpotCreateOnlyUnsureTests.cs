using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// HubSpot <c>create_only</c>: records whose earlier create has no known outcome are searched for by the id property
/// (CRM search, <c>IN</c>) before the batch is created; those found count as sent with the found id. The stand-in answers
/// as hubspot-crm-companies-v3.json describes, and matches <c>IN</c> values as HubSpot does for strings (lower case).
/// </summary>
public sealed class HubSpotCreateOnlyUnsureTests : IAsyncDisposable
{
    private const string Search = "/crm/v3/objects/companies/search";
    private const string Create = "/crm/v3/objects/companies/batch/create";
    private const string At = "2025-05-20T08:00:00.000Z";
    private static readonly DateTimeOffset Attempt = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly TestProject _project = new();
    private ProjectRuntime? _runtime;

    [Fact]
    public async Task Unsure_FoundBySearch_CountAsSentWithTheFoundId_OnlyTheRestAreCreated()
    {
        AnswerCreates();
        AnswerSearch(existing: ["ÄCC-Ü-001"]);
        var writer = Writer();
        var records = new[]
        {
            Record("r1", "ÄCC-Ü-001", unsure: Attempt), Record("r2", "acc-002", unsure: Attempt),
            Record("r3", "acc-003"), Record("r4", "ÄCC-Ü-001", unsure: Attempt), // r4 shares r1's id value: the same HubSpot record
        };

        var outcomes = await writer.WriteAsync(records, CancellationToken.None);

        Assert.Equal([RecordOutcome.Sent("5001"), RecordOutcome.Sent("7acc-002"), RecordOutcome.Sent("7acc-003"), RecordOutcome.Sent("5001")], outcomes);
        var exchange = Assert.Single(Requests(Search));
        var search = exchange.RequestMessage!.Body!;
        Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(Search, "post", search));
        Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateResponse(Search, "post", "200", exchange.ResponseMessage!.BodyData!.BodyAsString!));
        var filter = JsonNode.Parse(search)!["filterGroups"]![0]!["filters"]![0]!;
        Assert.Equal(("product_account_id", "IN"), (filter["propertyName"]!.GetValue<string>(), filter["operator"]!.GetValue<string>()));
        Assert.Equal(["äcc-ü-001", "acc-002"], filter["values"]!.AsArray().Select(v => v!.GetValue<string>()));
        var created = JsonNode.Parse(Assert.Single(Requests(Create)).RequestMessage!.Body!)!["inputs"]!.AsArray();
        Assert.Equal(["r2", "r3"], created.Select(i => i!["objectWriteTraceId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task BatchFailsAfterSomeWereCreated_TheFailureSaysTheyMayHaveBeenDelivered()
    {
        AnswerCreates();
        _server.Given(Request.Create().WithPath(Create).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*acc-002*"))).AtPriority(0)
            .RespondWith(WireMockJson.Fixed(400, HubSpotAnswers.Error("VALIDATION_ERROR", "Property values were not valid: zoë")));
        _server.Given(Request.Create().WithPath(Create).UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("{\"inputs\":[{\"properties\":{\"product_account_id\":\"acc-003\"*"))).AtPriority(0)
            .RespondWith(WireMockJson.Fixed(401, HubSpotAnswers.Error("INVALID_AUTHENTICATION", "Authentication credentials not found.")));

        // The 400 splits the batch: r1 is created; r2 and r3 are split again, r2 rejected alone, r3 refused (401) — the
        // batch fails, but r1 was written: its outcome must not be lost as "surely not delivered".
        var failure = await Assert.ThrowsAsync<DestinationException>(() => Writer().WriteAsync([Record("r1", "acc-001"), Record("r2", "acc-002"), Record("r3", "acc-003")], CancellationToken.None));

        Assert.True(failure.MayHaveBeenDelivered);
        Assert.Contains("check the connection's token", failure.Message, StringComparison.Ordinal);
        Assert.Contains(Requests(Create), e => e.ResponseMessage!.StatusCode is 201);
    }

    [Fact]
    public async Task Unsure_NoneInTheBatch_NoSearch()
    {
        AnswerCreates();

        var outcomes = await Writer().WriteAsync([Record("r1", "acc-001"), Record("r2", "acc-002")], CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        Assert.Empty(Requests(Search));
    }

    [Theory]
    [InlineData("hubspot: { object: companies }", "the sync names no id_property")]
    [InlineData("hubspot: { object: companies, id_property: product_account_id }", "its id_property 'product_account_id' is empty")]
    public async Task Unsure_NothingToSearchBy_FailsPermanently_NotCreatedAgain(string section, string why)
    {
        AnswerCreates();
        var writer = Writer(section);

        var outcomes = await writer.WriteAsync([Record("r1", string.Empty, unsure: Attempt), Record("r2", "acc-002")], CancellationToken.None);

        Assert.Equal(OutcomeStatus.PermanentFailure, outcomes[0].Status);
        Assert.Contains(why, outcomes[0].Message, StringComparison.Ordinal);
        Assert.Contains("it was not created again", outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeStatus.Sent, outcomes[1].Status);
        Assert.Empty(Requests(Search));
        Assert.Equal(["r2"], JsonNode.Parse(Assert.Single(Requests(Create)).RequestMessage!.Body!)!["inputs"]!.AsArray().Select(i => i!["objectWriteTraceId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unsure_SearchRefused_StopsTheBatchWithHubSpotsMessage_NothingCreated()
    {
        AnswerCreates();
        _server.Given(Request.Create().WithPath(Search).UsingPost())
            .RespondWith(WireMockJson.Fixed(403, HubSpotAnswers.Error("MISSING_SCOPES", "This app hasn't been granted all required scopes to make this call.")));

        var failure = await Assert.ThrowsAsync<DestinationException>(() => Writer().WriteAsync([Record("r1", "acc-001", unsure: Attempt)], CancellationToken.None));

        Assert.StartsWith("HubSpot connection 'crm': the token lacks a scope this sync needs (403): This app hasn't been granted all required scopes to make this call.; check the connection's token", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Requests(Create));
    }

    [Fact]
    public async Task DryRun_SearchesThenCreatesInTheOutbox()
    {
        var writer = Writer(token: string.Empty);

        var outcomes = await writer.WriteAsync([Record("r1", "acc-001", unsure: Attempt)], CancellationToken.None);

        Assert.Equal(OutcomeStatus.Sent, Assert.Single(outcomes).Status);
        var outbox = _project.OutboxRequests("crm").Select(r => JsonNode.Parse(r)!).ToList();
        Assert.Equal([Search, Create], outbox.Select(r => new Uri(r["url"]!.GetValue<string>()).AbsolutePath));
        Assert.Empty(_server.LogEntries);
    }

    public async ValueTask DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        await _project.DisposeAsync();
        _server.Dispose();
    }

    private ISyncWriter Writer(string section = "hubspot: { object: companies, id_property: product_account_id }", string token = "pat-test")
    {
        _project.Sql("wh.duckdb", "create or replace table accounts as select 'r1' as account_key, 'acc-001' as account_id, 'A' as account_name");
        _project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: { hubspot: { token: "{{token}}", base_url: "{{_server.Url}}", rate_limit: { requests: 100, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_key, sql: select * from accounts }
            syncs:
              companies:
                model: accounts
                destination: crm
                mode: create_only
                fields: { product_account_id: account_id, name: account_name }
                {{section}}
            """);
        (_runtime, var writer) = _project.Writer("companies");
        return writer;
    }

    private static SyncRecord Record(string key, string id, DateTimeOffset? unsure = null) =>
        new(key, RecordAction.Enter, new Dictionary<string, object?> { ["product_account_id"] = id, ["name"] = "Zoë & 名前 " + new string('x', 2_000) })
        {
            Delivery = new DeliveryKey("companies", key, RecordAction.Enter, "00ff00ff00ff00ff"),
            UnsureSince = unsure,
        };

    /// <summary>batch/create answers 201 with one result per input, its id made from the id property's value.</summary>
    private void AnswerCreates() => _server.Given(Request.Create().WithPath(Create).UsingPost()).RespondWith(WireMockJson.From(201, body => new JsonObject
    {
        ["status"] = "COMPLETE", ["startedAt"] = At, ["completedAt"] = At,
        ["results"] = new JsonArray(body!["inputs"]!.AsArray().Select(input => (JsonNode)new JsonObject
        {
            ["id"] = "7" + input!["properties"]!["product_account_id"]!.GetValue<string>(), ["archived"] = false, ["createdAt"] = At, ["updatedAt"] = At,
            ["properties"] = input["properties"]!.DeepClone(), ["objectWriteTraceId"] = input["objectWriteTraceId"]!.DeepClone(),
        }).ToArray()),
    }));

    /// <summary>The search finds the companies among <paramref name="existing"/> whose value, in lower case, is asked for (HubSpot's IN on strings).</summary>
    private void AnswerSearch(string[] existing) => _server.Given(Request.Create().WithPath(Search).UsingPost()).RespondWith(WireMockJson.From(200, body =>
    {
        var asked = body!["filterGroups"]![0]!["filters"]![0]!["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var found = existing.Select((value, i) => (value, id: (5001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Where(e => asked.Contains(e.value.ToLowerInvariant()))
            .Select(e => (JsonNode)new JsonObject
            {
                ["id"] = e.id, ["archived"] = false, ["createdAt"] = At, ["updatedAt"] = At,
                ["properties"] = new JsonObject { ["product_account_id"] = e.value, ["hs_object_id"] = e.id, ["createdate"] = At, ["hs_lastmodifieddate"] = At },
            }).ToArray();
        return new JsonObject { ["total"] = found.Length, ["results"] = new JsonArray(found) };
    }));

    private List<ILogEntry> Requests(string path) =>
        _server.LogEntries.Where(e => e.RequestMessage!.Path == path).OrderBy(e => e.RequestMessage!.DateTime).ToList();
}
