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
    [InlineData("TEN_SECONDLY_ROLLING", true, 10.0)]
    [InlineData("DAILY", false, null)]
    public async Task HubSpot_429_WaitsTenSecondsForTheRollingLimitAndGivesUpOnTheDailyOne(string policy, bool retry, double? seconds)
    {
        var response = Answer(429, $$"""{"status":"error","errorType":"RATE_LIMIT","policyName":"{{policy}}"}""");

        var advice = await new HubSpotHttpPolicy().AdviseAsync(response, _time);

        Assert.Equal((retry, seconds), (advice.Retry, advice.Delay?.TotalSeconds));
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
    public void HubSpot_QuotaSpent_PausesTheTokenForTheRestOfTheInterval()
    {
        var response = Answer(200, "{}");
        response.Headers.Add("X-HubSpot-RateLimit-Remaining", "0");
        response.Headers.Add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");

        Assert.Equal(Now.AddSeconds(10), new HubSpotHttpPolicy().PauseUntil(response, _time));
    }

    [Fact]
    public async Task Intercom_429_WaitsUntilTheWindowResets()
    {
        var response = Answer(429, """{"type":"error.list","errors":[{"code":"rate_limit_exceeded"}]}""");
        response.Headers.Add("X-RateLimit-Remaining", "0");
        response.Headers.Add("X-RateLimit-Reset", Now.AddSeconds(7).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        var advice = await new IntercomHttpPolicy().AdviseAsync(response, _time);

        Assert.Equal((true, 7.1), (advice.Retry, advice.Delay!.Value.TotalSeconds));
        Assert.Equal(Now.AddSeconds(7), new IntercomHttpPolicy().PauseUntil(response, _time));
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
        Assert.Equal(Now.AddSeconds(3), new SlackHttpPolicy().PauseUntil(response, _time));
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
