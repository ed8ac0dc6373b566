using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Intercom: a 429 says when the window resets in <c>X-RateLimit-Reset</c> (epoch seconds; there is no Retry-After), and
/// the retry waits until then; when <c>X-RateLimit-Remaining</c> reaches 0 every sync on the token waits for the reset.
/// 5xx is retried with backoff. Every call may be repeated: a repeated contact create answers 409 and becomes an update,
/// and a repeated event is deduplicated by Intercom (same user, name and <c>created_at</c>, taken from the row).
/// Pace: 1,666 requests per 10 s per token (10,000 a minute per app, spread over 10-second windows).
/// </summary>
internal sealed class IntercomHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "intercom";

    public override string Title => "Intercom";

    public override RateLimit DefaultRateLimit { get; } = new(1_666, TimeSpan.FromSeconds(10));

    public override ValueTask<RetryAdvice> AdviseAsync(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        return ValueTask.FromResult((int)response.StatusCode switch
        {
            429 => new RetryAdvice(true, Reset(response) is { } reset ? Max(reset - time.GetUtcNow()) + TimeSpan.FromMilliseconds(100) : null),
            >= 500 => new RetryAdvice(true, null),
            _ => RetryAdvice.No,
        });
    }

    public override DateTimeOffset? PauseUntil(HttpResponseMessage response, TimeProvider time) =>
        (Is(response, HttpStatusCode.TooManyRequests) || Header(response, "X-RateLimit-Remaining") == 0) && Reset(response) is { } reset ? reset : null;

    private static DateTimeOffset? Reset(HttpResponseMessage response) =>
        Header(response, "X-RateLimit-Reset") is { } epoch ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;
}
