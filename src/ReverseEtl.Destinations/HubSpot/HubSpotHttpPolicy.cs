using System.Net;
using System.Text.Json;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// HubSpot: a 429 names its policy: TEN_SECONDLY_ROLLING says the token's rolling window is full, so every request on
/// the token waits until the oldest answer leaves it (or for Retry-After, when sent), then the call is retried; DAILY
/// is not retried (the run stops); 423 Locked after at least 2 s; 477 Migration in Progress after its Retry-After; 5xx
/// with backoff, except for a <c>batch/create</c> (not idempotent: it may have been applied). When
/// <c>X-HubSpot-RateLimit-Remaining</c> reaches 0 the window counts as full the same way.
/// Pace: 100 requests in any rolling 10 s per token (the Free and Starter limit); set <c>rate_limit</c> for higher tiers.
/// </summary>
internal sealed class HubSpotHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "hubspot";

    public override string Title => "HubSpot";

    // batch/create makes new records each time; upsert, update, archive, read and associate are keyed.
    public override bool IsIdempotent(HttpRequestMessage request) =>
        request is not { Method.Method: "POST", RequestUri.AbsolutePath: var path } || !IsRecordCreate(path);

    private static bool IsRecordCreate(string path) =>
        path.StartsWith("/crm/v3/objects/", StringComparison.Ordinal) && path.EndsWith("/batch/create", StringComparison.Ordinal);

    public override RateLimit DefaultRateLimit { get; } = new(100, TimeSpan.FromSeconds(10));

    public override async ValueTask<RetryAdvice> AdviseAsync(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (int)response.StatusCode switch
        {
            429 => await PolicyNameAsync(response) == "DAILY"
                ? RetryAdvice.No
                : new RetryAdvice(true, RetryAfter(response, time) ?? TimeSpan.Zero), // the pace waits for room (QuotaAsync)
            423 => new RetryAdvice(true, Longer(RetryAfter(response, time), TimeSpan.FromSeconds(2))),
            477 => new RetryAdvice(true, RetryAfter(response, time)),
            >= 500 => new RetryAdvice(true, null),
            _ => RetryAdvice.No,
        };
    }

    public override async ValueTask<VendorQuota?> QuotaAsync(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (Is(response, HttpStatusCode.TooManyRequests))
        {
            // A Retry-After is HubSpot's own word on when there is room: the token waits that long, no longer. Without
            // one (the documented case), or with none to wait, the window counts as full until the oldest answer leaves it.
            return await PolicyNameAsync(response) == "DAILY" ? null
                : RetryAfter(response, time) is { } wait && wait > TimeSpan.Zero ? new VendorQuota { PauseUntil = time.GetUtcNow() + wait }
                : new VendorQuota { WindowFull = true };
        }

        return Header(response, "X-HubSpot-RateLimit-Remaining") == 0 ? new VendorQuota { WindowFull = true } : null;
    }

    /// <summary>The <c>policyName</c> of a 429 body, or null.</summary>
    public static async Task<string?> PolicyNameAsync(HttpResponseMessage response)
    {
        var text = await BodyAsync(response);
        try
        {
            using var body = JsonDocument.Parse(text);
            return body.RootElement.TryGetProperty("policyName", out var name) ? name.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan Longer(TimeSpan? asked, TimeSpan least) => asked is { } a && a > least ? a : least;
}
