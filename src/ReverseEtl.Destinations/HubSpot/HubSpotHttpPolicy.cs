using System.Text.Json;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// HubSpot: a 429 names its policy: TEN_SECONDLY_ROLLING is retried after 10 s, DAILY is not retried (the run stops);
/// 423 Locked after at least 2 s; 477 Migration in Progress after its Retry-After; 5xx with backoff, except for a
/// <c>batch/create</c> (not idempotent: it may have been applied). When
/// <c>X-HubSpot-RateLimit-Remaining</c> reaches 0 the token pauses for the rest of the interval.
/// Pace: 100 requests per 10 s per token (the Free and Starter limit); set <c>rate_limit</c> for higher tiers.
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
                : new RetryAdvice(true, RetryAfter(response, time) ?? TimeSpan.FromSeconds(10)),
            423 => new RetryAdvice(true, Longer(RetryAfter(response, time), TimeSpan.FromSeconds(2))),
            477 => new RetryAdvice(true, RetryAfter(response, time)),
            >= 500 => new RetryAdvice(true, null),
            _ => RetryAdvice.No,
        };
    }

    public override DateTimeOffset? PauseUntil(HttpResponseMessage response, TimeProvider time) =>
        Header(response, "X-HubSpot-RateLimit-Remaining") == 0 && Header(response, "X-HubSpot-RateLimit-Interval-Milliseconds") is { } interval
            ? time.GetUtcNow().AddMilliseconds(interval)
            : null;

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
