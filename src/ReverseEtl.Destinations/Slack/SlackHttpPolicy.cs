using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Slack: 429 carries <c>Retry-After</c> (seconds), which also pauses every sync on the token; 5xx is retried.
/// A timed-out <c>chat.postMessage</c> is not repeated, since Slack posts are not idempotent.
/// Pace: 50 calls a minute per token (Tier 3 for users.lookupByEmail; posts are about one a second per channel).
/// </summary>
internal sealed class SlackHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "slack";

    public override RateLimit DefaultRateLimit { get; } = new(50, TimeSpan.FromMinutes(1));

    public override bool MayRepeatAfterTimeout(HttpRequestMessage request) =>
        request?.RequestUri?.AbsolutePath.EndsWith("/chat.postMessage", StringComparison.Ordinal) != true;

    public override DateTimeOffset? PauseUntil(HttpResponseMessage response, TimeProvider time) =>
        Is(response, HttpStatusCode.TooManyRequests) && RetryAfter(response, time) is { } wait ? time.GetUtcNow() + wait : null;
}
