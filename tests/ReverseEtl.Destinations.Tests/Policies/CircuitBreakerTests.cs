using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.Destinations.Tests.Policies;

/// <summary>
/// A connection's circuit and retries, through the real handler chain to WireMock on a fake clock: three failed
/// attempts in a row open the circuit for 30 s, then one trial goes; rate limiting never opens it; a create is never
/// repeated after a 5xx, but is after a refused connection; a page that is not JSON is named as such.
/// </summary>
public sealed class CircuitBreakerTests : IAsyncDisposable
{
    private readonly WireMockServer _vendor = WireMockServer.Start();
    private readonly WaitingClock _time = new(new DateTimeOffset(2025, 5, 20, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly HttpClient _client;

    public CircuitBreakerTests()
    {
        _services = new ServiceCollection().AddSingleton<TimeProvider>(_time)
            .AddDestinationHttp(new HubSpotHttpPolicy()).AddDestinationHttp(new SlackWebhookHttpPolicy()).BuildServiceProvider();
        _client = Client(new HubSpotHttpPolicy(), "crm", new Uri(_vendor.Url!));
    }

    [Fact]
    public async Task VendorDown_CircuitOpensAfterThreeFailedAttempts_FailsFastThenTriesAgainAfterThirtySeconds()
    {
        Answer(503);

        var first = await Assert.ThrowsAsync<DestinationException>(CallAsync);
        var opened = _time.GetUtcNow();
        var hitsWhenOpened = _vendor.LogEntries.Count;
        var refused = await Assert.ThrowsAsync<DestinationException>(() =>
            RestService.For<IHubSpotApi>(_client).ListPropertiesAsync("companies", CancellationToken.None).ReceivedAsync("HubSpot", "crm"));
        Answer(200);
        _time.Advance(TimeSpan.FromSeconds(31));
        var afterBreak = await CallAsync();

        Assert.Equal(3, hitsWhenOpened); // the call's third attempt opened the circuit; its fourth was refused
        // It opened at the third attempt, before the backoff that led to the refused fourth: 30 s from then.
        var expected = $"circuit open for HubSpot connection 'crm' ({new Uri(_vendor.Url!).Authority}): 3 consecutive failures, last: HTTP 503; retrying after {{0:HH:mm:ss}} UTC; the records stay due for the next run";
        Assert.Contains(refused.Message, Enumerable.Range(0, 16).Select(s => string.Format(CultureInfo.InvariantCulture, expected, opened.AddSeconds(30 - s))));
        Assert.Equal(first.Message, refused.Message);
        Assert.Equal((HttpStatusCode.OK, 4), (afterBreak.StatusCode, _vendor.LogEntries.Count)); // nothing while open
    }

    [Fact]
    public async Task RateLimited_NeverOpensTheCircuit()
    {
        _vendor.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(429)
            .WithHeader("Content-Type", "application/json").WithBody("""{"status":"error","errorType":"RATE_LIMIT","policyName":"DAILY"}"""));

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add((await CallAsync()).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 12), answers);
        Assert.Equal(12, _vendor.LogEntries.Count); // the daily limit is not retried, and each call reached the vendor
    }

    [Fact]
    public async Task RecordCreate_ServerError_IsNotRepeatedButAnUpsertIs()
    {
        Answer(502);

        var create = await _time.RunAsync(_client.PostAsync(new Uri("crm/v3/objects/companies/batch/create", UriKind.Relative), Json()));
        var createHits = _vendor.LogEntries.Count;
        Answer(200);
        _vendor.Given(Request.Create().WithPath("/crm/v3/objects/companies/batch/upsert")).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(502));
        var upsert = await _time.RunAsync(_client.PostAsync(new Uri("crm/v3/objects/companies/batch/upsert", UriKind.Relative), Json()));

        Assert.Equal((HttpStatusCode.BadGateway, 1), (create.StatusCode, createHits)); // HubSpot may have created them
        Assert.Equal((HttpStatusCode.OK, 3), (upsert.StatusCode, _vendor.LogEntries.Count)); // 502, then 200
    }

    [Fact]
    public async Task RecordCreate_ConnectionRefused_IsRepeatedUntilTheCircuitOpens()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        using var client = Client(new HubSpotHttpPolicy(), "refused", new Uri($"http://127.0.0.1:{port}"));

        var failure = await Assert.ThrowsAsync<DestinationException>(() =>
            _time.RunAsync(client.PostAsync(new Uri("crm/v3/objects/companies/batch/create", UriKind.Relative), Json())));

        Assert.StartsWith($"circuit open for HubSpot connection 'refused' (127.0.0.1:{port}): 3 consecutive failures, last: Connection refused", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.MayHaveBeenDelivered);
    }

    [Theory]
    [InlineData("text/html", "<html><body>Sign in to the guest network</body></html>")]
    [InlineData("text/plain", "ok")]
    public async Task SuccessThatIsNotJson_IsNamedAsSuch(string mediaType, string body)
    {
        _vendor.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", mediaType).WithBody(body));

        var failure = await Assert.ThrowsAsync<DestinationException>(CallAsync);

        Assert.Equal(
            $"HubSpot connection 'crm' ({new Uri(_vendor.Url!).Authority}): answered 200 with {mediaType}, not JSON: a proxy or captive portal may be answering in the vendor's place; check the connection's base_url and the network",
            failure.Message);
    }

    [Fact]
    public async Task Webhook_PlainTextOk_IsItsAnswerButAnHtmlPageIsNot()
    {
        _vendor.Given(Request.Create().WithPath("/ok")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/plain").WithBody("ok"));
        _vendor.Given(Request.Create().WithPath("/portal")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html></html>"));
        using var webhook = Client(new SlackWebhookHttpPolicy(), "partners", new Uri(_vendor.Url!));

        var ok = await _time.RunAsync(webhook.PostAsync(new Uri("ok", UriKind.Relative), Json()));
        var portal = await Assert.ThrowsAsync<DestinationException>(() => _time.RunAsync(webhook.PostAsync(new Uri("portal", UriKind.Relative), Json())));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("answered 200 with text/html, not JSON", portal.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _services.DisposeAsync();
        _vendor.Dispose();
    }

    private HttpClient Client(VendorHttpPolicy policy, string name, Uri baseUrl) =>
        _services.GetRequiredService<DestinationHttp>().CreateClient(
            new HttpConnection(policy, name, "pat-test", new RateLimit(1000, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(30), DryRun: null), baseUrl);

    private static StringContent Json() => new("""{"inputs":[]}""", System.Text.Encoding.UTF8, "application/json");

    private void Answer(int status) => _vendor.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(status)
        .WithHeader("Content-Type", "application/json").WithBody("""{"status":"error","message":"answer"}"""));

    // One call, with the fake clock moved on whenever the pipeline waits (a retry's backoff), and only then.
    private Task<HttpResponseMessage> CallAsync() => _time.RunAsync(_client.GetAsync(new Uri("crm/v3/objects/companies", UriKind.Relative)));
}
