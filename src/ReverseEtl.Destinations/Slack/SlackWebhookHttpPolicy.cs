using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Slack incoming webhooks: 429 with <c>Retry-After</c> is retried; a post that timed out or met a 5xx is not repeated
/// (posts are not idempotent, and Slack does not say a 5xx was not posted). Pace: about one message a second per webhook, with short bursts (5 per 5 s).
/// </summary>
internal sealed class SlackWebhookHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "slack-webhook";

    public override RateLimit DefaultRateLimit { get; } = new(5, TimeSpan.FromSeconds(5));

    public override string Title => "Slack webhook";

    public override bool IsIdempotent(HttpRequestMessage request) => false;

    // The webhook answers "ok" as text/plain.
    public override bool AnswersJson(HttpRequestMessage request) => false;

    public override ValueTask<VendorQuota?> QuotaAsync(HttpResponseMessage response, TimeProvider time) =>
        ValueTask.FromResult(Is(response, HttpStatusCode.TooManyRequests) && RetryAfter(response, time) is { } wait
            ? new VendorQuota { PauseUntil = time.GetUtcNow() + wait }
            : null);
}
