using System.Text;
using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The dry-run outbox writes each request body as the very bytes the vendor would get: the same records written once to
/// HubSpot (WireMock, answering as hubspot-crm-companies-v3.json documents) and once without a token give equal bodies,
/// byte for byte, awkward values included.
/// </summary>
public sealed class DryRunOutboxBytesTests : IAsyncDisposable
{
    private const string Upsert = "/crm/v3/objects/companies/batch/upsert";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly TestProject _real = new(), _dry = new();
    private static readonly string?[] Names = [null, string.Empty, "Zoë \"quoted\" \\ <b>&</b>\n\ttab", string.Concat(Enumerable.Repeat("Ünïcødé 東京 🚀 ", 400)), "Ørsted — Café"];

    private readonly List<ProjectRuntime> _runtimes = [];

    [Fact]
    public async Task DryRun_EachBodyInTheOutbox_IsByteForByteWhatHubSpotReceives()
    {
        _server.Given(Request.Create().WithPath(Upsert).UsingPost()).RespondWith(WireMockJson.From(200, body => HubSpotAnswers.Results(body)));
        var (real, dryRun) = (Writer(_real, "pat-test"), Writer(_dry, string.Empty));
        var outcomes = new List<RecordOutcome>();

        foreach (var batch in Records().Chunk(100))
        {
            outcomes.AddRange(await real.WriteAsync(batch, CancellationToken.None));
            outcomes.AddRange(await dryRun.WriteAsync(batch, CancellationToken.None));
        }

        Assert.Equal(260, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        var received = _server.LogEntries.Select(e => e.RequestMessage!.BodyAsBytes!).ToList();
        var written = OutboxBodies().ToList();
        Assert.Equal(2, received.Count); // a batch of 100, then the rest
        Assert.Equal(received.Count, written.Count);
        for (var i = 0; i < received.Count; i++)
        {
            Assert.Equal(received[i], written[i]);
            Assert.Empty(OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(Upsert, "post", Encoding.UTF8.GetString(written[i])));
        }

        var names = written.SelectMany(b => JsonDocument.Parse(b).RootElement.GetProperty("inputs").EnumerateArray())
            .Select(i => i.GetProperty("properties").TryGetProperty("name", out var n) ? n.GetString() : "(none)").ToHashSet();
        Assert.Superset(Names.Where(n => n is not null).ToHashSet(), names);
    }

    // The folder is made when a line finds it missing, not before each line: one removed while the worker runs is made again.
    [Fact]
    public async Task DryRun_OutboxFolderRemovedBetweenBatches_MadeAgainWithTheNextLine()
    {
        var dryRun = Writer(_dry, string.Empty);
        var batches = Records().Chunk(100).ToList();

        var first = await dryRun.WriteAsync(batches[0], CancellationToken.None);
        Directory.Delete(_dry.Paths.OutboxDirectory, recursive: true);
        var second = await dryRun.WriteAsync(batches[1], CancellationToken.None);

        Assert.All(first.Concat(second), o => Assert.Equal(OutcomeStatus.Sent, o.Status));
        var body = Assert.Single(OutboxBodies());
        Assert.Equal(batches[1].Length, JsonDocument.Parse(body).RootElement.GetProperty("inputs").GetArrayLength());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runtime in _runtimes)
        {
            await runtime.DisposeAsync();
        }

        await _real.DisposeAsync();
        await _dry.DisposeAsync();
        _server.Dispose();
    }

    // Each outbox line's body exactly as written (its raw JSON text), in order.
    private IEnumerable<byte[]> OutboxBodies() =>
        File.ReadLines(Path.Combine(_dry.Paths.OutboxDirectory, "crm.jsonl"))
            .Select(line => JsonDocument.Parse(line))
            .Select(line => Encoding.UTF8.GetBytes(line.RootElement.GetProperty("body").GetRawText()));

    private ISyncWriter Writer(TestProject project, string token)
    {
        project.Sql("wh.duckdb", "create or replace table accounts as select 'r1' as account_key, 'acc-001' as account_id, 'A' as account_name");
        project.WithFile("project.yaml", $$"""
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
                mode: upsert
                fields: { product_account_id: account_id, name: account_name }
                hubspot: { object: companies, id_property: product_account_id }
            """);
        var (runtime, writer) = project.Writer("companies");
        _runtimes.Add(runtime);
        return writer;
    }

    // Nulls, empty strings, text JSON escapes, non-ASCII, very long text, and an id sent twice (HubSpot gets the last once).
    private static List<SyncRecord> Records()
    {
        var records = Enumerable.Range(0, 130).Select(i => new SyncRecord($"r{i}", RecordAction.Enter, new Dictionary<string, object?>
        {
            ["product_account_id"] = i == 4 ? "acc-003" : $"acc-{i:D3}",
            ["name"] = Names[(i + 3) % Names.Length],
        })).ToList();
        return records;
    }
}
