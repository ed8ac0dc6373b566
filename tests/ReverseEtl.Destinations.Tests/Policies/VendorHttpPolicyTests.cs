using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;
using ReverseEtl.Destinations.Salesforce;
using ReverseEtl.Destinations.Slack;

namespace ReverseEtl.Destinations.Tests.Policies;

/// <summary>Each vendor's own signal turned into a retry decision and a wait, on a fake clock.</summary>
public class VendorHttpPolicyTests
{
    private static readonly DateTimeOffset Now = new(2025, 5, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    [Theory]
    [InlineData("TEN_SECONDLY_ROLLING", true, 0.0, true)]
    [InlineData("DAILY", false, null, false)]
    public async Task HubSpot_429_RetriesTheRollingLimitOnceTheWindowHasRoomAndGivesUpOnTheDailyOne(string policy, bool retry, double? seconds, bool full)
    {
        var response = Answer(429, $$"""{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-1","policyName":"{{policy}}","requestId":"r-1"}""");

        var advice = await new HubSpotHttpPolicy().AdviseAsync(response, _time);
        var quota = await new HubSpotHttpPolicy().QuotaAsync(response, _time);

        // No Retry-After: the wait is the token's pace, which holds every request until the oldest answer leaves the window.
        Assert.Equal((retry, seconds), (advice.Retry, advice.Delay?.TotalSeconds));
        Assert.Equal(full, quota?.WindowFull ?? false);
    }

    [Fact]
    public async Task HubSpot_429WithRetryAfter_PausesTheTokenThatLongAndNoLonger()
    {
        var response = Answer(429, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-1","policyName":"TEN_SECONDLY_ROLLING","requestId":"r-1"}""", retryAfterSeconds: 2);

        var advice = await new HubSpotHttpPolicy().AdviseAsync(response, _time);
        var quota = await new HubSpotHttpPolicy().QuotaAsync(response, _time);

        Assert.Equal((true, 2.0), (advice.Retry, advice.Delay?.TotalSeconds));
        Assert.Equal(new VendorQuota { PauseUntil = Now.AddSeconds(2) }, quota);
    }

    [Fact]
    public async Task HubSpot_429WithRetryAfterZero_TheWindowCountsAsFull()
    {
        var response = Answer(429, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-1","policyName":"TEN_SECONDLY_ROLLING","requestId":"r-1"}""", retryAfterSeconds: 0);

        Assert.Equal(new VendorQuota { WindowFull = true }, await new HubSpotHttpPolicy().QuotaAsync(response, _time));
    }

    [Fact]
    public async Task HubSpot_423And477_WaitAtLeastTwoSecondsOrAsLongAsAsked()
    {
        var locked = await new HubSpotHttpPolicy().AdviseAsync(Answer(423, "{}"), _time);
        var migrating = await new HubSpotHttpPolicy().AdviseAsync(Answer(477, "{}", retryAfterSeconds: 3600), _time);

        Assert.Equal((true, 2.0), (locked.Retry, locked.Delay!.Value.TotalSeconds));
        Assert.Equal((true, 3600.0), (migrating.Retry, migrating.Delay!.Value.TotalSeconds));
        Assert.True(migrating.Delay > DestinationPipeline.MaxWait, "a 477 asking for an hour is left for the next run");
    }

    [Fact]
    public async Task HubSpot_QuotaSpent_TheRollingWindowIsFull()
    {
        var spent = Answer(200, "{}");
        spent.Headers.Add("X-HubSpot-RateLimit-Remaining", "0");
        spent.Headers.Add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
        var left = Answer(200, "{}");
        left.Headers.Add("X-HubSpot-RateLimit-Remaining", "1");

        Assert.Equal(new VendorQuota { WindowFull = true }, await new HubSpotHttpPolicy().QuotaAsync(spent, _time));
        Assert.Null(await new HubSpotHttpPolicy().QuotaAsync(left, _time));
    }

    [Fact]
    public async Task Intercom_429_WaitsExactlyUntilTheWindowResets()
    {
        var response = Answer(429, """{"type":"error.list","request_id":"r-1","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit of 1667 in 10_seconds"}]}""");
        response.Headers.Add("X-RateLimit-Limit", "1667");
        response.Headers.Add("X-RateLimit-Remaining", "0");
        response.Headers.Add("X-RateLimit-Reset", Now.AddSeconds(7).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var advice = await new IntercomHttpPolicy().AdviseAsync(response, _time);
        var quota = await new IntercomHttpPolicy().QuotaAsync(response, _time);

        Assert.Equal((true, 7.0), (advice.Retry, advice.Delay!.Value.TotalSeconds));
        Assert.Equal(new VendorQuota { PauseUntil = Now.AddSeconds(7), Window = (1667, 0, Now.AddSeconds(7)) }, quota);
    }

    [Theory]
    [InlineData("1667", "1200", 1200)]
    [InlineData(null, "1200", null)]
    [InlineData("1667", "lots", null)]
    public async Task Intercom_RateLimitHeaders_AreTheWindowTheTokenFollows(string? limit, string remaining, int? followed)
    {
        var response = Answer(202, "");
        if (limit is not null)
        {
            response.Headers.Add("X-RateLimit-Limit", limit);
        }

        response.Headers.Add("X-RateLimit-Remaining", remaining);
        response.Headers.Add("X-RateLimit-Reset", Now.AddSeconds(3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var quota = await new IntercomHttpPolicy().QuotaAsync(response, _time);

        Assert.Equal(followed, quota?.Window?.Remaining);
        Assert.Null(quota?.PauseUntil);
    }

    [Theory]
    [InlineData("""[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", false)]
    [InlineData("""[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", true)]
    public async Task Salesforce_403_RetriesOnlyTheConcurrencyLimit(string body, bool retry)
    {
        var advice = await new SalesforceHttpPolicy().AdviseAsync(Answer(403, body), _time);

        Assert.Equal(retry, advice.Retry);
    }

    [Theory]
    [InlineData("slack", "POST", "https://slack.com/api/chat.postMessage", false)]
    [InlineData("slack", "GET", "https://slack.com/api/users.lookupByEmail?email=a%40b.example", true)]
    [InlineData("slack", "POST", "https://slack.com/api/conversations.open", true)]
    [InlineData("webhook", "POST", "https://hooks.slack.com/services/T0/B0/x", false)]
    [InlineData("hubspot", "POST", "https://api.hubapi.com/crm/v3/objects/companies/batch/create", false)]
    [InlineData("hubspot", "POST", "https://api.hubapi.com/crm/v3/objects/companies/batch/upsert", true)]
    [InlineData("hubspot", "POST", "https://api.hubapi.com/crm/v3/properties/companies/batch/create", true)]
    [InlineData("intercom", "POST", "https://api.intercom.io/events", true)]
    [InlineData("intercom", "POST", "https://api.intercom.io/contacts", true)]
    [InlineData("salesforce", "PATCH", "https://x.my.salesforce.com/services/data/v62.0/composite/sobjects/Account/Ext__c", true)]
    public void IsIdempotent_OnlyPostsAndRecordCreatesAreNot(string vendor, string method, string url, bool idempotent)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        VendorHttpPolicy policy = vendor switch
        {
            "slack" => new SlackHttpPolicy(),
            "webhook" => new SlackWebhookHttpPolicy(),
            "hubspot" => new HubSpotHttpPolicy(),
            "intercom" => new IntercomHttpPolicy(),
            _ => new SalesforceHttpPolicy(),
        };

        Assert.Equal(idempotent, policy.IsIdempotent(request));
    }

    [Fact]
    public async Task Slack_429_WaitsForRetryAfterAndPausesTheToken()
    {
        var response = Answer(429, """{"ok":false,"error":"ratelimited"}""", retryAfterSeconds: 3);

        var advice = await new SlackHttpPolicy().AdviseAsync(response, _time);

        Assert.Equal((true, 3.0), (advice.Retry, advice.Delay!.Value.TotalSeconds));
        Assert.Equal(new VendorQuota { PauseUntil = Now.AddSeconds(3) }, await new SlackHttpPolicy().QuotaAsync(response, _time));
    }

    [Theory]
    [InlineData("POST", "chat.postMessage", """{"channel":"C0ALERTS","text":"ünï ✓"}""", "chat.postMessage C0ALERTS", 1, 1.0)]
    [InlineData("POST", "chat.postMessage", """{"channel":"#général","text":""}""", "chat.postMessage #général", 1, 1.0)]
    [InlineData("POST", "chat.postMessage", """{"channel":null,"text":"x"}""", "chat.postMessage ", 1, 1.0)]
    [InlineData("POST", "chat.postMessage", "not json", "chat.postMessage ", 1, 1.0)]
    [InlineData("GET", "users.lookupByEmail?email=a%40b.example", null, "users.lookupByEmail", 50, 60.0)]
    [InlineData("POST", "conversations.open", """{"users":"U1"}""", "conversations.open", 50, 60.0)]
    [InlineData("GET", "conversations.list?limit=1000", null, "conversations.list", 20, 60.0)]
    public async Task Slack_Lanes_PostsPerChannelAndOtherMethodsByTheirTier(string method, string call, string? body, string lane, int requests, double seconds)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"https://slack.com/api/{call}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var lanes = await new SlackHttpPolicy().LanesAsync(request);

        Assert.Equal([new PaceLane(lane, new RateLimit(requests, TimeSpan.FromSeconds(seconds)))], lanes);
        Assert.Equal(body, request.Content is null ? null : await request.Content.ReadAsStringAsync()); // still sent as it was
    }

    private static HttpResponseMessage Answer(int status, string body, int? retryAfterSeconds = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }

        return response;
    }
}
