using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ReverseEtl.IntegrationTests.Hosting;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Telemetry;

/// <summary>
/// The worker as a process: with the standard OTEL_* variables its metrics and spans reach an OTLP/HTTP receiver on
/// loopback; running its schedules, it serves the ReverseEtl metrics on /metrics of the health port.
/// </summary>
public sealed partial class WorkerTelemetryTests : IDisposable
{
    private readonly WireMockServer _slack = WireMockServer.Start();
    private readonly WireMockServer _receiver = WireMockServer.Start();

    [Fact]
    public async Task RunOnce_OtlpEndpointSet_MetricsAndSpansReachTheReceiver()
    {
        WorkerProjects.AnswerPosts(_slack);
        _receiver.Given(Request.Create().WithPath("/v1/metrics", "/v1/traces").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        await using var project = WorkerProjects.SlackAlerts(_slack, accounts: 3);

        await using (var worker = new WorkerProcess(project, Otlp(), "run", "--once", "--sync", "alerts"))
        {
            await worker.AssertExitedCleanlyAsync(TimeSpan.FromMinutes(1));
        }

        Assert.All(_receiver.LogEntries, e => Assert.Equal("application/x-protobuf", e.RequestMessage!.Headers!["Content-Type"][0]));
        var metrics = Bodies("/v1/metrics");
        var names = metrics.SelectMany(Telemetry.Otlp.MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(names, new HashSet<string>(StringComparer.Ordinal)
        {
            "reverse_etl.rows.read", "reverse_etl.records.planned", "reverse_etl.records.sent", "reverse_etl.runs", "reverse_etl.run.duration",
            "reverse_etl.http.request.duration", "resilience.polly.strategy.attempt.duration", "http.client.request.duration",
        });
        Assert.Contains(("service.name", "retl-otlp-test"), metrics.SelectMany(Telemetry.Otlp.ResourceAttributes));

        var spans = Bodies("/v1/traces").SelectMany(Telemetry.Otlp.Spans).ToList();
        var run = Assert.Single(spans, s => s.Name == "reverse_etl.run");
        var batches = spans.Where(s => s.Name == "reverse_etl.batch").ToList();
        var requests = spans.Where(s => batches.Any(b => b.SpanId == s.ParentId)).ToList();
        Assert.Equal(string.Empty, run.ParentId);
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Equal((run.TraceId, run.SpanId), (b.TraceId, b.ParentId)));
        Assert.Equal(_slack.LogEntries.Count, requests.Count); // one span per HTTP request, each under its batch
        Assert.All(requests, r => Assert.Matches("^(GET|POST)", r.Name));
    }

    [Fact]
    public async Task Run_Scheduled_MetricsOnTheHealthPortShowTheRuns()
    {
        WorkerProjects.AnswerPosts(_slack);
        await using var project = WorkerProjects.SlackAlerts(_slack, accounts: 3);
        var port = FreePort();
        var environment = new Dictionary<string, string> { ["SLACK_BOT_TOKEN"] = "xoxb-scrape", ["RETL_HEALTH_PORT"] = port.ToString(CultureInfo.InvariantCulture) };

        await using var worker = new WorkerProcess(project, environment, "run");
        await worker.WaitUntilAsync(() => worker.Events(3002).Any());
        using var http = new HttpClient();
        using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"), TestContext.Current.CancellationToken);
        var text = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        worker.Terminate();
        await worker.AssertExitedCleanlyAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((HttpStatusCode.OK, "text/plain; version=0.0.4; charset=utf-8"), (answer.StatusCode, answer.Content.Headers.ContentType?.ToString()));
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        var samples = Samples(text);
        // Labels in name order; the first run sent the 3 accounts, later ones had nothing to send.
        Assert.Equal(3, samples.GetValueOrDefault("""reverseetl_reverse_etl_records_sent{reverse_etl_destination="chat",reverse_etl_kind="added",reverse_etl_sync="alerts"}"""));
        Assert.True(samples.GetValueOrDefault("""reverseetl_reverse_etl_rows_read{reverse_etl_destination="chat",reverse_etl_sync="alerts"}""") >= 3, text);
        Assert.True(samples.GetValueOrDefault("""reverseetl_reverse_etl_runs{reverse_etl_destination="chat",reverse_etl_run_status="Succeeded",reverse_etl_sync="alerts"}""") >= 1, text);
        Assert.Contains(samples.Keys, k => k.StartsWith("reverseetl_reverse_etl_http_request_duration_count{", StringComparison.Ordinal));
        Assert.DoesNotContain("xoxb", text, StringComparison.Ordinal);
        Assert.DoesNotContain("acc_", text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _slack.Dispose();
        _receiver.Dispose();
    }

    private Dictionary<string, string> Otlp() => new()
    {
        ["SLACK_BOT_TOKEN"] = "xoxb-test",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Url!,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_SERVICE_NAME"] = "retl-otlp-test",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    private List<byte[]> Bodies(string path)
    {
        var bodies = _receiver.LogEntries.Where(e => e.RequestMessage!.Path == path).Select(e => e.RequestMessage!.BodyAsBytes!).ToList();
        Assert.NotEmpty(bodies);
        return bodies;
    }

    // Each sample line of the Prometheus text format: "name{labels} value".
    private static Dictionary<string, double> Samples(string text) => text.Split('\n')
        .Select(l => Sample().Match(l)).Where(m => m.Success)
        .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    [GeneratedRegex(@"^([a-z_]+(?:\{[^}]*\})?) (\S+)$")]
    private static partial Regex Sample();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
