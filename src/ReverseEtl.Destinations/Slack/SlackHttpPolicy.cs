using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Slack: 429 carries <c>Retry-After</c> (seconds), which also pauses every sync on the token; 5xx is retried.
/// A <c>chat.postMessage</c> that timed out or met a 5xx is not repeated, since Slack posts are not idempotent.
/// Pace: 50 calls a minute per token (Tier 3 for users.lookupByEmail; posts are about one a second per channel).
/// </summary>
internal sealed class SlackHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "slack";

    public override RateLimit DefaultRateLimit { get; } = new(50, TimeSpan.FromMinutes(1));

    public override string Title => "Slack";

    public override bool IsIdempotent(HttpRequestMessage request) => !IsPost(request?.RequestUri);

    /// <summary>Whether <paramref name="url"/> is <c>chat.postMessage</c>, the one call that is not idempotent.</summary>
    public static bool IsPost(Uri? url) => url?.AbsolutePath.EndsWith("/chat.postMessage", StringComparison.Ordinal) == true;

    public override DateTimeOffset? PauseUntil(HttpResponseMessage response, TimeProvider time) =>
        Is(response, HttpStatusCode.TooManyRequests) && RetryAfter(response, time) is { } wait ? time.GetUtcNow() + wait : null;
}
