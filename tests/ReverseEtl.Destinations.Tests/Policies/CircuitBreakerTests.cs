using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.Destinations.Tests.Policies;

/// <summary>
/// A connection's circuit breaker, through the real handler chain to WireMock on a fake clock: a vendor that is down
/// is left alone after 8 failed attempts for 30 s, then tried once again; rate limiting never opens the circuit.
/// </summary>
public sealed class CircuitBreakerTests : IAsyncDisposable
{
    private readonly WireMockServer _vendor = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 5, 20, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly HttpClient _client;

    public CircuitBreakerTests()
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time);
        var policy = new HubSpotHttpPolicy();
        _services = services.AddDestinationHttp(policy).BuildServiceProvider();
        var connection = new HttpConnection(policy, "crm", "pat-test", new RateLimit(1000, TimeSpan.FromSeconds(1)), TimeSpan.FromSeconds(30), DryRun: null);
        _client = _services.GetRequiredService<DestinationHttp>().CreateClient(connection, new Uri(_vendor.Url!));
    }

    [Fact]
    public async Task VendorDown_CircuitOpensAfterEightFailedAttempts_FailsFastThenTriesAgainAfterThirtySeconds()
    {
        Answer(503);

        var first = await CallAsync();
        var hitsAfterFirst = _vendor.LogEntries.Count;
        await Assert.ThrowsAsync<BrokenCircuitException>(CallAsync);
        var hitsWhenOpened = _vendor.LogEntries.Count;
        var refused = await Assert.ThrowsAsync<DestinationException>(() =>
            RestService.For<IHubSpotApi>(_client).ListPropertiesAsync("companies", CancellationToken.None).ReceivedAsync("HubSpot", "crm"));
        Answer(200);
        _time.Advance(TimeSpan.FromSeconds(31));
        var afterBreak = await CallAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, 5), (first.StatusCode, hitsAfterFirst)); // one call and its 4 retries
        Assert.Equal(8, hitsWhenOpened); // the second call's third attempt opened the circuit
        Assert.Equal(
            "HubSpot connection 'crm': HubSpot has been failing (server errors or no answer on most recent calls), so calls to it are paused for 30 s; the records stay due for the next run",
            refused.Message);
        Assert.Equal((HttpStatusCode.OK, 9), (afterBreak.StatusCode, _vendor.LogEntries.Count)); // nothing while open
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

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _services.DisposeAsync();
        _vendor.Dispose();
    }

    private void Answer(int status) => _vendor.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(status)
        .WithHeader("Content-Type", "application/json").WithBody("""{"status":"error","message":"answer"}"""));

    // One call, with the fake clock moved on whenever the pipeline waits (a retry's backoff). It moves in small steps:
    // it also moves while a request is on its way to WireMock and back, and the first one (cold, on a busy machine) must
    // not outlast the connection's 30 s attempt timeout in fake time, or it would be retried.
    private async Task<HttpResponseMessage> CallAsync()
    {
        var call = _client.GetAsync(new Uri("crm/v3/objects/companies", UriKind.Relative));
        while (!call.IsCompleted)
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        return await call;
    }
}
