using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// Salesforce: 500 and 503 (SERVER_UNAVAILABLE) are retried with backoff, and so is a 403 for too many concurrent
/// long-running requests (ConcurrentPerOrgLongTxn); a 403 REQUEST_LIMIT_EXCEEDED for the daily allocation is not, since
/// it lasts (the run stops). There is no 429 and no Retry-After. Upserts by external id are idempotent, so a timed-out
/// call is repeated. Pace: 1,000 requests per 10 s per credential, a guard; the daily allocation is watched through
/// <c>Sforce-Limit-Info</c> by the writer.
/// </summary>
internal sealed class SalesforceHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "salesforce";

    public override string Title => "Salesforce";

    public override RateLimit DefaultRateLimit { get; } = new(1_000, TimeSpan.FromSeconds(10));

    public override async ValueTask<RetryAdvice> AdviseAsync(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        if ((int)response.StatusCode == 403)
        {
            var body = await BodyAsync(response);
            return body.Contains("ConcurrentPerOrgLongTxn", StringComparison.Ordinal) ? new RetryAdvice(true, null) : RetryAdvice.No;
        }

        return await base.AdviseAsync(response, time);
    }
}
