using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.Tests.Support;

namespace ReverseEtl.Destinations.Tests.Policies;

/// <summary>
/// A vendor that accepts connections and never answers, through the real handler chain on a fake clock that moves
/// through each attempt's 30 s timeout once the attempt has reached the vendor: a call costs at most two timeouts and a
/// backoff, a post is sent once, and the open circuit fails later calls at once.
/// </summary>
public sealed class HungVendorTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HungVendor _vendor = new();
    private readonly WaitingClock _time = new(new DateTimeOffset(2025, 5, 20, 8, 0, 0, TimeSpan.Zero)) { Longest = TimeSpan.FromMinutes(5) };
    private readonly ServiceProvider _services;
    private readonly HttpClient _client;

    public HungVendorTests()
    {
        var policy = new SlackHttpPolicy();
        _services = new ServiceCollection().AddSingleton<TimeProvider>(_time).AddDestinationHttp(policy).BuildServiceProvider();
        var connection = new HttpConnection(policy, "slack", "xoxb-test", new RateLimit(1000, TimeSpan.FromSeconds(1)), Timeout, DryRun: null);
        _client = _services.GetRequiredService<DestinationHttp>().CreateClient(connection, new Uri(_vendor.Url, "/api"));
    }

    [Fact]
    public async Task Lookup_VendorNeverAnswers_GivesUpAfterTwoTimeoutsWithinNinetySecondsAndNamesConnectionAndHost()
    {
        var start = _time.GetUtcNow();

        var failure = await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Get, "users.lookupByEmail?email=a%40b.example"));

        Assert.Equal(
            $"Slack connection 'slack' ({_vendor.Host}): no answer within 30 s (2 attempts); check that the vendor is up and the connection's base_url, or raise timeout_seconds",
            failure.Message);
        Assert.True(failure.MayHaveBeenDelivered);
        Assert.Equal(2, _vendor.Requests);
        Assert.InRange(_time.GetUtcNow() - start, 2 * Timeout, 2 * Timeout + TimeSpan.FromSeconds(30)); // fake time: two timeouts and one backoff
    }

    [Fact]
    public async Task Lookup_AfterTwoTimeouts_LaterCallsFailAtOnceWithTheOpenCircuit()
    {
        await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Get, "users.lookupByEmail?email=a%40b.example"));
        var opened = _time.GetUtcNow();

        var refused = await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Post, "chat.postMessage"));

        Assert.Equal(
            $"circuit open for Slack connection 'slack' ({_vendor.Host}): 2 consecutive failures, last: no answer within 30 s; retrying after {opened.AddSeconds(30):HH:mm:ss} UTC; the records stay due for the next run",
            refused.Message);
        Assert.False(refused.MayHaveBeenDelivered);
        Assert.Equal((2, opened), (_vendor.Requests, _time.GetUtcNow())); // nothing sent, no time spent
    }

    [Fact]
    public async Task Post_VendorNeverAnswers_IsSentOnceAndMayHaveBeenDelivered()
    {
        var start = _time.GetUtcNow();

        var failure = await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Post, "chat.postMessage"));

        Assert.Equal(
            $"Slack connection 'slack' ({_vendor.Host}): no answer within 30 s (1 attempt); check that the vendor is up and the connection's base_url, or raise timeout_seconds",
            failure.Message);
        Assert.True(failure.MayHaveBeenDelivered);
        Assert.Equal((1, Timeout), (_vendor.Requests, _time.GetUtcNow() - start));
    }

    [Fact]
    public async Task OpenCircuit_AfterTheBreak_LetsOneTrialThroughAndOpensAgainWhenItTimesOut()
    {
        await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Get, "users.lookupByEmail?email=a%40b.example"));
        _time.Advance(TimeSpan.FromSeconds(31));

        var failure = await Assert.ThrowsAsync<DestinationException>(() => CallAsync(HttpMethod.Get, "users.lookupByEmail?email=c%40d.example"));

        Assert.StartsWith($"circuit open for Slack connection 'slack' ({_vendor.Host}): 3 consecutive failures, last: no answer within 30 s; retrying after", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, _vendor.Requests); // the trial, then the retry refused by the circuit
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _services.DisposeAsync();
        _vendor.Dispose();
    }

    // Moves the fake clock through each wait of the call: a backoff at once, an attempt's timeout only once that attempt
    // has reached the vendor (so the timeout is never what keeps it from arriving).
    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = method == HttpMethod.Post ? new StringContent("{}") : null };
        var arrived = _vendor.Requests;
        var work = _client.SendAsync(request);
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(5));
            if (_time.NextWait is { } wait && (wait < Timeout || _vendor.Requests > arrived))
            {
                arrived = wait < Timeout ? arrived : arrived + 1;
                _time.AdvanceToNextWait();
            }
        }

        return await work;
    }
}
