using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Worker.Hosting.Telemetry;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Telemetry;

/// <summary>
/// One run against a Slack stand-in, with the worker's own telemetry configuration and the in-memory exporter: the
/// metrics carry what the run did, per sync, destination and kind; the spans go run → batch → HTTP request; no tag
/// carries a row's value, a URL path or the token.
/// </summary>
public sealed class InMemoryTelemetryTests : IDisposable
{
    private const string Sync = "telemetry-alerts";
    private const string Connection = "telemetry-chat";
    private static readonly string LongName = string.Concat(Enumerable.Repeat("Ünïcödé-長い名前 ", 400));
    private readonly WireMockServer _slack = WireMockServer.Start();
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];

    [Fact]
    public async Task Run_WithInMemoryExporter_MetricsCountTheRunAndSpansNestRunBatchRequest()
    {
        AnswerSlack();
        await using var project = Project();

        var report = await project.RunAsync(Sync);
        project.Get<MeterProvider>().ForceFlush();

        // The model returns 7 rows: a null key and both rows of a duplicated key are rejected; 4 are sent, of which the
        // one to C_RATE is refused once with 429 and retried, and the one to C_GONE is refused for good.
        Assert.Equal((RunStatus.PartiallyFailed, 7L, 3L, 3L, 1L), (report.Status, report.Counts.RowsRead, report.Counts.Rejected, report.Counts.Sent, report.Counts.Failed));
        Assert.Equal(7, Sum("reverse_etl.rows.read"));
        Assert.Equal(3, Sum("reverse_etl.rows.rejected"));
        Assert.Equal(4, Sum("reverse_etl.records.planned", ("reverse_etl.kind", "added")));
        Assert.Equal(0, Sum("reverse_etl.records.planned", ("reverse_etl.kind", "changed")));
        Assert.Equal(3, Sum("reverse_etl.records.sent", ("reverse_etl.kind", "added")));
        Assert.Equal(1, Sum("reverse_etl.records.failed", ("reverse_etl.kind", "added")));
        Assert.Equal(1, Sum("reverse_etl.runs", ("reverse_etl.run.status", "PartiallyFailed")));
        Assert.Equal(1, Count("reverse_etl.run.duration", ("reverse_etl.run.status", "PartiallyFailed")));
        Assert.Equal(1, Sum("reverse_etl.http.throttled", ("reverse_etl.vendor", "slack")));
        Assert.Equal(1, Sum("reverse_etl.http.retries", ("reverse_etl.retry.reason", "http_429")));
        Assert.Equal(_slack.LogEntries.Count, Count("reverse_etl.http.request.duration", ("reverse_etl.vendor", "slack")));
        Assert.Equal(1, Count("reverse_etl.http.request.duration", ("http.response.status_code", 429)));

        var run = Assert.Single(_spans, s => s.OperationName == "reverse_etl.run" && Equals(s.GetTagItem("reverse_etl.sync"), Sync));
        var batches = _spans.Where(s => s.OperationName == "reverse_etl.batch" && s.TraceId == run.TraceId).ToList();
        var requests = _spans.Where(s => s.Source.Name == "System.Net.Http" && s.TraceId == run.TraceId).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Equal(run.SpanId, b.ParentSpanId));
        Assert.Equal(_slack.LogEntries.Count, requests.Count);
        Assert.All(requests, r => Assert.Contains(batches, b => b.SpanId == r.ParentSpanId));
        Assert.Equal(("PartiallyFailed", 7L, ActivityStatusCode.Error), (run.GetTagItem("reverse_etl.run.status"), run.GetTagItem("reverse_etl.rows.read"), run.Status));
        var retry = Assert.Single(batches.SelectMany(b => b.Events), e => e.Name == "OnRetry");
        Assert.Equal((Connection, 429), (retry.Tags.Single(t => t.Key == "pipeline.instance").Value, retry.Tags.Single(t => t.Key == "http.response.status_code").Value));
        Assert.All(requests, r => Assert.Equal($"{_slack.Url}/", r.GetTagItem("url.full")));
        NoRowValueOrSecret(run, batches.Concat(requests));
    }

    public void Dispose() => _slack.Dispose();

    // Every tag of every span, event and metric point of this run: never a row's value, a key, a path or the token.
    private void NoRowValueOrSecret(Activity run, IEnumerable<Activity> spans)
    {
        var values = spans.Append(run).SelectMany(s => s.TagObjects.Concat(s.Events.SelectMany(e => e.Tags)))
            .Concat(_metrics.SelectMany(m => m.MetricPoints).SelectMany(Tags))
            .Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToList();
        string[] secrets = ["xoxb-telemetry", "acc_", "Zoë", "Ünïcödé", "C_OK", "C_GONE", "C_RATE", "chat.postMessage", "/api", "ops@customer.example"];
        Assert.Contains(Sync, values); // the tags were read
        Assert.All(values, v => Assert.DoesNotContain(secrets, s => v.Contains(s, StringComparison.Ordinal)));
    }

    private long Sum(string metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetSumLong());

    private long Count(string metric, params (string Key, object Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetHistogramCount());

    // The metric's points of this test's sync or connection (other tests' hosts in this process share the meter names).
    private List<MetricPoint> Points(string metric, (string Key, object Value)[] tags) =>
        _metrics.Where(m => m.Name == metric).SelectMany(m => m.MetricPoints)
            .Where(p => Tags(p).Any(t => (t.Key, t.Value) is ("reverse_etl.sync", Sync) or ("reverse_etl.connection", Connection)))
            .Where(p => tags.All(t => Tags(p).Any(pt => pt.Key == t.Key && Equals(Convert.ToString(pt.Value, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)))))
            .ToList();

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private TestProject Project()
    {
        var project = new TestProject
        {
            ConfigureServices = services => services.AddOpenTelemetry()
                .WithTracing(t => WorkerTelemetry.Tracing(t).AddInMemoryExporter(_spans))
                .WithMetrics(m => WorkerTelemetry.Metrics(m).AddInMemoryExporter(_metrics)),
        };
        project.Sql("wh.duckdb", $"""
            create table accounts as select * from (values
              ('acc_1', 'Zoë <&> 名前', 'C_OK', 'ops@customer.example'),
              ('acc_2', '', 'C_RATE', null),
              ('acc_3', null, 'C_GONE', ''),
              ('acc_4', '{LongName}', 'C_OK', null),
              ('acc_5', 'Dup', 'C_OK', null),
              ('acc_5', 'Dup again', 'C_OK', null),
              (null, 'No key', 'C_OK', null)
            ) t(account_id, account_name, channel, email)
            """);
        project.WithFile("project.yaml", $$$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              {{{Connection}}}: { slack: { token: xoxb-telemetry, base_url: "{{{_slack.Url}}}/api", timeout_seconds: 5 } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              {{{Sync}}}:
                model: accounts
                destination: {{{Connection}}}
                mode: trigger
                trigger: { when: "true", initial: send }
                slack: { channel: "{{ row.channel }}", text: "{{ row.account_name }} ({{ row.email }})" }
            """);
        _ = project.Get<TracerProvider>(); // both listen from here on, before the run starts
        _ = project.Get<MeterProvider>();
        return project;
    }

    // chat.postMessage as Slack answers it: the first post to C_RATE is refused with 429 and Retry-After: 1, C_GONE is not found.
    private void AnswerSlack()
    {
        _slack.Given(Post("*C_RATE*")).InScenario("rate").WillSetStateTo("open").AtPriority(2)
            .RespondWith(Json("""{"ok":false,"error":"ratelimited"}""").WithStatusCode(429).WithHeader("Retry-After", "1"));
        _slack.Given(Post("*C_RATE*")).InScenario("rate").WhenStateIs("open").AtPriority(1).RespondWith(Json(SlackEndToEndTests.PostOk));
        _slack.Given(Post("*C_GONE*")).AtPriority(1).RespondWith(Json("""{"ok":false,"error":"channel_not_found"}"""));
        _slack.Given(Post("*C_OK*")).AtPriority(1).RespondWith(Json(SlackEndToEndTests.PostOk));
    }

    private static IRequestBuilder Post(string body) =>
        Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(new WildcardMatcher(body));

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
}
