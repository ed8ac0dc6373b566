using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// A webhook's channel cannot be read back: a record whose earlier post has no known outcome follows the sync's
/// <c>delivery</c>, posted again (<c>at_least_once</c>, the default) or counted as delivered (<c>at_most_once</c>).
/// </summary>
public sealed class SlackWebhookDeliveryTests : IAsyncDisposable
{
    private const string Hook = "/services/T0001/B0001/XXXXXXXXXXXXXXXX";
    private static readonly DateTimeOffset Attempt = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly TestProject _project = new();
    private ProjectRuntime? _runtime;

    [Theory]
    [InlineData("")]
    [InlineData("delivery: at_least_once")]
    public async Task Unsure_AtLeastOnce_PostsItAgain(string delivery)
    {
        var writer = Writer(delivery);

        var outcomes = await writer.WriteAsync([Record("acc_001", unsure: Attempt), Record("acc_002")], CancellationToken.None);

        Assert.Equal([RecordOutcome.Sent(null), RecordOutcome.Sent(null)], outcomes);
        Assert.Equal(2, _server.LogEntries.Count(e => e.RequestMessage!.Path == Hook));
    }

    [Fact]
    public async Task Unsure_AtMostOnce_CountedAsDeliveredWithoutPosting_OthersStillPosted()
    {
        var writer = Writer("delivery: at_most_once");

        var outcomes = await writer.WriteAsync([Record("clé-東京-🚀", unsure: Attempt), Record(new string('k', 3_000)), Record("acc_003", unsure: Attempt)], CancellationToken.None);

        Assert.Equal([OutcomeStatus.Sent, OutcomeStatus.Sent, OutcomeStatus.Sent], outcomes.Select(o => o.Status));
        Assert.All([outcomes[0], outcomes[2]], o => Assert.Equal(
            "counted as delivered without posting again (delivery: at_most_once): its earlier post from 2026-11-30 09:00:00Z has no known outcome", o.Message));
        var posted = Assert.Single(_server.LogEntries);
        Assert.Contains("kkkk", posted.RequestMessage!.Body!, StringComparison.Ordinal);
    }

    [Fact]
    public void Delivery_UnknownValue_IsAConfigErrorNamingTheKey()
    {
        Project("delivery: exactly_once");

        var error = Assert.Single(_project.Errors());

        Assert.Contains("delivery", error, StringComparison.Ordinal);
        Assert.Contains("project.yaml", error, StringComparison.Ordinal);
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

    private ISyncWriter Writer(string delivery)
    {
        _server.Given(Request.Create().WithPath(Hook).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("ok"));
        Project(delivery);
        (_runtime, var writer) = _project.Writer("partners");
        return writer;
    }

    private void Project(string delivery)
    {
        _project.Sql("wh.duckdb", "create or replace table accounts as select 'acc_001' as account_id, 'A' as account_name");
        _project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              hook: { slack_webhook: { url: "{{{_server.Url}}}{{{Hook}}}", rate_limit: { requests: 100, per_seconds: 1 } } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              partners:
                model: accounts
                destination: hook
                mode: trigger
                trigger: { when: "true" }
                slack_webhook: { text: "{{ row.account_name }} ({{ row.account_id }})", {{{delivery}}} }
            """);
    }

    private static SyncRecord Record(string key, DateTimeOffset? unsure = null) =>
        new(key, RecordAction.Enter, new Dictionary<string, object?> { ["account_id"] = key, ["account_name"] = "Zoë <&> 名前" })
        {
            Delivery = new DeliveryKey("partners", key, RecordAction.Enter, "00ff00ff00ff00ff"),
            UnsureSince = unsure,
        };
}
