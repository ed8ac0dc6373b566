using System.Globalization;
using System.Net;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// What a vendor's HTTP answers mean: which are worth retrying, how long the vendor asks us to wait, when to pause
/// every sync that shares the credential, and how fast one credential may go. One instance per vendor, stateless.
/// </summary>
public abstract class VendorHttpPolicy
{
    /// <summary>The vendor's name, also the name of its <see cref="IHttpClientFactory"/> client, e.g. <c>hubspot</c>.</summary>
    public abstract string Vendor { get; }

    /// <summary>The vendor's name in messages, e.g. <c>HubSpot</c>.</summary>
    public abstract string Title { get; }

    /// <summary>The pace one credential keeps when its connection does not set <c>rate_limit</c>.</summary>
    public abstract RateLimit DefaultRateLimit { get; }

    /// <summary>Whether to retry <paramref name="response"/> in this run, and after how long (null: jittered exponential backoff).</summary>
    /// <remarks>The response content is buffered, so reading it here leaves it readable for the caller.</remarks>
    public virtual async ValueTask<RetryAdvice> AdviseAsync(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        await Task.CompletedTask;
        var status = (int)response.StatusCode;
        return status is 408 or 429 or >= 500 ? new RetryAdvice(true, RetryAfter(response, time)) : RetryAdvice.No;
    }

    /// <summary>
    /// Whether sending <paramref name="request"/> twice does what sending it once does (reads, upserts and updates by
    /// id). One that is not (a post, a create) is never repeated after a timeout or a 5xx, since it may have been applied.
    /// </summary>
    public virtual bool IsIdempotent(HttpRequestMessage request) => true;

    /// <summary>Whether a successful answer to <paramref name="request"/> is JSON (false where the vendor answers plain text).</summary>
    public virtual bool AnswersJson(HttpRequestMessage request) => true;

    /// <summary>What the answer says of the credential's quota, which every sync on the credential follows (null: nothing).</summary>
    /// <remarks>The response content is buffered when read, so reading it here leaves it readable for the caller.</remarks>
    public virtual ValueTask<VendorQuota?> QuotaAsync(HttpResponseMessage response, TimeProvider time) => ValueTask.FromResult<VendorQuota?>(null);

    /// <summary>The limits of its own that <paramref name="request"/> keeps besides the credential's (none by default).</summary>
    /// <remarks>The request content is buffered when read, so reading it here leaves it sendable.</remarks>
    public virtual ValueTask<IReadOnlyList<PaceLane>> LanesAsync(HttpRequestMessage request) => ValueTask.FromResult<IReadOnlyList<PaceLane>>([]);

    /// <summary>The standard <c>Retry-After</c> header as a wait, in seconds or as a date.</summary>
    protected static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(time);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => Max(date - time.GetUtcNow()),
            _ => null,
        };
    }

    /// <summary>A whole-number response header, or null when absent or not a number.</summary>
    protected static long? Header(HttpResponseMessage response, string name) =>
        response?.Headers.TryGetValues(name, out var values) == true
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>The response body as text, buffered so that the caller can still read it after the policy has.</summary>
    protected static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        await response.Content.LoadIntoBufferAsync();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Never a negative wait.</summary>
    protected static TimeSpan Max(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;

    /// <summary>Whether the status is one of <paramref name="statuses"/>.</summary>
    protected static bool Is(HttpResponseMessage response, params HttpStatusCode[] statuses) =>
        statuses.Contains(response?.StatusCode ?? 0);
}
