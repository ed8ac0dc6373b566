using System.Net;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Intercom: a 429 says when the window resets in <c>X-RateLimit-Reset</c> (epoch seconds; there is no Retry-After), and
/// the retry waits exactly until then. Intercom counts in fixed 10 s windows and says so on every answer
/// (<c>X-RateLimit-Limit</c>, <c>-Remaining</c>, <c>-Reset</c>): from the first answer on, the token's pace follows those
/// windows, so every sync on the token sends at most what is left until the reset, then a window's worth after it.
/// 5xx is retried with backoff. Every call may be repeated: a repeated contact create answers 409 and becomes an update,
/// and a repeated event is deduplicated by Intercom (same user, name and <c>created_at</c>, taken from the row).
/// Pace before the first answer: 1,666 requests in any rolling 10 s per token (10,000 a minute per app, spread over 10-second windows).
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
            429 => new RetryAdvice(true, Reset(response) is { } reset ? Max(reset - time.GetUtcNow()) : null),
            >= 500 => new RetryAdvice(true, null),
            _ => RetryAdvice.No,
        });
    }

    public override ValueTask<VendorQuota?> QuotaAsync(HttpResponseMessage response, TimeProvider time)
    {
        if (Reset(response) is not { } reset)
        {
            return ValueTask.FromResult<VendorQuota?>(null);
        }

        var remaining = Header(response, "X-RateLimit-Remaining");
        var spent = Is(response, HttpStatusCode.TooManyRequests) || remaining == 0;
        var window = Header(response, "X-RateLimit-Limit") is { } limit and > 0 and <= int.MaxValue && remaining is { } left and >= 0 and <= int.MaxValue
            ? ((int)limit, spent ? 0 : (int)left, reset)
            : ((int, int, DateTimeOffset)?)null;
        return ValueTask.FromResult<VendorQuota?>(new VendorQuota { PauseUntil = spent ? reset : null, Window = window });
    }

    private static DateTimeOffset? Reset(HttpResponseMessage response) =>
        Header(response, "X-RateLimit-Reset") is { } epoch ? DateTimeOffset.FromUnixTimeSeconds(epoch) : null;
}
