using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;
using ReverseEtl.Destinations.Slack;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>
/// A credential's pace with its lanes and the vendor's word, on a fake clock: Slack posts to two channels side by side,
/// each channel one a second; a rate-limit answer holds every request on the credential exactly until the vendor's reset.
/// </summary>
public class CredentialPaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public async Task WaitAsync_SlackPostsToTwoChannels_GoSideBySide_EachChannelOneASecondAfterItsLastAnswer()
    {
        var slack = new SlackHttpPolicy();
        using var pace = CredentialPace.InProcess(slack.DefaultRateLimit, _clock);

        using (await pace.WaitAsync(await LanesAsync(slack, "C_ALERTS"), CancellationToken.None))
        using (await pace.WaitAsync(await LanesAsync(slack, "#général"), CancellationToken.None))
        {
            // both granted at once, each in its own channel's lane; answered now
        }

        var alerts = pace.WaitAsync(await LanesAsync(slack, "C_ALERTS"), CancellationToken.None);
        var general = pace.WaitAsync(await LanesAsync(slack, "#général"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.False(alerts.IsCompleted || general.IsCompleted, "a second post in a channel within a second");
        _clock.Advance(TimeSpan.FromTicks(1));

        (await alerts).Dispose();
        (await general).Dispose();
    }

    [Fact]
    public async Task WaitAsync_APostInFlight_HoldsItsChannelUntilItsAnswerAndASecondMore()
    {
        var slack = new SlackHttpPolicy();
        using var pace = CredentialPace.InProcess(slack.DefaultRateLimit, _clock);
        var slow = await pace.WaitAsync(await LanesAsync(slack, "C_ALERTS"), CancellationToken.None);

        var next = pace.WaitAsync(await LanesAsync(slack, "C_ALERTS"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3)); // the first post's answer takes 3 s
        slow.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.False(next.IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));

        (await next).Dispose();
    }

    [Fact]
    public async Task Observe_Slack429WithRetryAfter_HoldsEveryChannelOnTheTokenExactlyThatLong()
    {
        var slack = new SlackHttpPolicy();
        using var pace = CredentialPace.InProcess(slack.DefaultRateLimit, _clock);
        using var refused = Answer(HttpStatusCode.TooManyRequests, """{"ok":false,"error":"ratelimited"}""");
        refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));

        pace.Observe((await slack.QuotaAsync(refused, _clock))!);
        var other = pace.WaitAsync(await LanesAsync(slack, "C_OTHER"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        Assert.False(other.IsCompleted, "sent before Slack's Retry-After");
        _clock.Advance(TimeSpan.FromTicks(1));

        (await other).Dispose();
    }

    [Theory]
    [InlineData(1, 1.0)] // HubSpot's Retry-After, when it sends one, is the wait: not the 9.5 s left of the oldest answer's window
    [InlineData(null, 9.5)] // none (the documented case): the window counts as full until the oldest answer leaves it
    public async Task Observe_HubSpot429_HoldsTheTokenUntilRetryAfter_OrTheOldestAnswerLeavesTheWindow(int? retryAfter, double heldSeconds)
    {
        var hubspot = new HubSpotHttpPolicy();
        using var pace = CredentialPace.InProcess(hubspot.DefaultRateLimit, _clock);
        (await pace.WaitAsync([], CancellationToken.None)).Dispose(); // one answer, now
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        using var refused = Answer(HttpStatusCode.TooManyRequests, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-1","policyName":"TEN_SECONDLY_ROLLING","requestId":"r-1"}""");
        if (retryAfter is { } seconds)
        {
            refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        pace.Observe((await hubspot.QuotaAsync(refused, _clock))!);
        var next = pace.WaitAsync([], CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(heldSeconds) - TimeSpan.FromTicks(1));
        Assert.False(next.IsCompleted, "sent before HubSpot has room");
        _clock.Advance(TimeSpan.FromTicks(1));

        (await next.WaitAsync(TimeSpan.FromSeconds(10))).Dispose(); // a pace held longer never completes on the fake clock
    }

    [Fact]
    public async Task Observe_Intercom429_HoldsTheTokenExactlyUntilXRateLimitReset_ThenAWindowsWorth()
    {
        var intercom = new IntercomHttpPolicy();
        using var pace = CredentialPace.InProcess(intercom.DefaultRateLimit, _clock);
        using var refused = Answer(HttpStatusCode.TooManyRequests, """{"type":"error.list","request_id":"r-1","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit of 2 in 10_seconds"}]}""");
        refused.Headers.Add("X-RateLimit-Limit", "2");
        refused.Headers.Add("X-RateLimit-Remaining", "0");
        refused.Headers.Add("X-RateLimit-Reset", Start.AddSeconds(4).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

        pace.Observe((await intercom.QuotaAsync(refused, _clock))!);
        var waiting = Enumerable.Range(0, 3).Select(_ => pace.WaitAsync([], CancellationToken.None)).ToList();
        _clock.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromTicks(1));
        Assert.DoesNotContain(waiting, w => w.IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));

        (await waiting[0]).Dispose(); // the new window's 2
        (await waiting[1]).Dispose();
        Assert.False(waiting[2].IsCompleted, "a third in a window of 2");
        _clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(waiting[2].IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));
        (await waiting[2]).Dispose(); // the window after, 10 s later
    }

    private static async Task<IReadOnlyList<PaceLane>> LanesAsync(SlackHttpPolicy slack, string channel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://slack.com/api/chat.postMessage")
        {
            Content = new StringContent($$"""{"channel":"{{channel}}","text":"Zoë ✓"}""", Encoding.UTF8, "application/json"),
        };
        return await slack.LanesAsync(request);
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
