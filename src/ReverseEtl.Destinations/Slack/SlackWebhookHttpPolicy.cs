using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Slack incoming webhooks: 429 with <c>Retry-After</c> and 5xx are retried; a timed-out post is not repeated (posts are
/// not idempotent). Pace: about one message a second per webhook, with short bursts (5 per 5 s).
/// </summary>
internal sealed class SlackWebhookHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "slack-webhook";

    public override RateLimit DefaultRateLimit { get; } = new(5, TimeSpan.FromSeconds(5));

    public override bool MayRepeatAfterTimeout(HttpRequestMessage request) => false;

    public override DateTimeOffset? PauseUntil(HttpResponseMessage response, TimeProvider time) =>
        Is(response, HttpStatusCode.TooManyRequests) && RetryAfter(response, time) is { } wait ? time.GetUtcNow() + wait : null;
}
