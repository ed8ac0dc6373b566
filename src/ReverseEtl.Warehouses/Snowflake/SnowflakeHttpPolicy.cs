using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// The resilience pipeline of the <c>snowflake</c> HTTP client: 429, 5xx, transport errors and attempts that time out
/// are retried three times, after Snowflake's <c>Retry-After</c> when it sends one, else after a jittered backoff. A
/// statement resubmitted this way carries its first <c>requestId</c> and <c>retry=true</c>, so Snowflake runs it once.
/// A cancel is not retried: the statement stops with the run either way. Polling a running statement (202) is the
/// warehouse's, not this pipeline's.
/// </summary>
internal static class SnowflakeHttpPolicy
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client and of its resilience pipeline.</summary>
    public const string ClientName = "snowflake";

    /// <summary>How long one attempt may take (a submit answers 202 after at most 45 s; a partition can be large).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait between attempts: a longer <c>Retry-After</c> is cut to it.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    private const int Retries = 3;

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, TimeProvider time) => builder
        .AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Retries,
            MaxDelay = MaxWait,
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Wait(args.Outcome.Result, time) ?? Backoff(args.AttemptNumber)),
            OnRetry = args => MarkResubmission(args),
        })
        .AddTimeout(AttemptTimeout);

    /// <summary>0.5 s, ×1.5 each time, at most 5 s, with up to 20% jitter: the SQL API's advice for polls and retries.</summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(5_000, 500 * Math.Pow(1.5, attempt)) * (1 + (Random.Shared.NextDouble() * 0.2)));

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (context.GetRequestMessage()?.RequestUri?.AbsolutePath.EndsWith("/cancel", StringComparison.Ordinal) == true)
        {
            return false;
        }

        return outcome switch
        {
            { Exception: HttpRequestException or TimeoutRejectedException } => true,
            { Result: { } response } => response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
            _ => false,
        };
    }

    // Retry-After, in seconds or as a date, at most MaxWait; null when Snowflake sent none.
    private static TimeSpan? Wait(HttpResponseMessage? response, TimeProvider time) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => Clamp(delta),
        { Date: { } date } => Clamp(date - time.GetUtcNow()),
        _ => null,
    };

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;

    // The next attempt sends the same request: a statement's gets retry=true beside its requestId, once.
    private static ValueTask MarkResubmission(OnRetryArguments<HttpResponseMessage> args)
    {
        if (args.Context.GetRequestMessage() is { Method.Method: "POST", RequestUri: { } uri } request
            && uri.AbsolutePath.EndsWith("/api/v2/statements", StringComparison.Ordinal)
            && !uri.Query.Contains("retry=", StringComparison.Ordinal))
        {
            var query = uri.Query.TrimStart('?');
            request.RequestUri = new UriBuilder(uri) { Query = query.Length == 0 ? "retry=true" : $"{query}&retry=true" }.Uri;
        }

        return ValueTask.CompletedTask;
    }
}
