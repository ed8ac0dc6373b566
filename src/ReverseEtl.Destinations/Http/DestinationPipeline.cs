using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The resilience pipeline of one connection, outermost first: clear failures (a call that got no usable answer ends in a
/// message naming the connection and host), retries (jittered exponential backoff, or the wait the vendor asks for),
/// the credential's shared pace (each attempt waits for a permit, outside its own timeout, and holds it until answered),
/// the connection's circuit (<see cref="ConnectionCircuit"/>, met after the wait for a permit), and a timeout per attempt.
/// </summary>
/// <remarks>
/// A vendor that accepts connections and never answers costs a call at most two timeouts and a backoff: a timeout is
/// retried once, and only for a request that may be repeated; two timeouts in a row open the circuit. A request that is
/// not idempotent (<see cref="VendorHttpPolicy.IsIdempotent"/>) is never repeated after a timeout or a 5xx, since it may
/// have been applied; it is repeated after a refused connection or a 429, which the vendor never applied.
/// </remarks>
internal static class DestinationPipeline
{
    /// <summary>A vendor asking for a longer wait than this is not retried in this run: its records are retried next run.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    /// <summary>How many times one call may time out before it gives up.</summary>
    public const int MaxTimeouts = 2;

    private static readonly ResiliencePropertyKey<int> Timeouts = new("reverse-etl.timeouts");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, HttpConnection connection, SharedRateLimiters limiters, TimeProvider time, ILogger logger, ReverseEtlMetrics metrics)
    {
        var policy = connection.Policy;
        builder
            .AddStrategy(_ => new ClearFailureStrategy(connection), new StrategyName("ClearFailure"))
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                MaxDelay = MaxWait,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context, policy, time),
                DelayGenerator = async args => args.Outcome.Result is { } response ? (await policy.AdviseAsync(response, time)).Delay : null,
                OnRetry = args => RetryLog.OnRetry(logger, metrics, connection, args.Outcome, args.RetryDelay, args.AttemptNumber),
            });
        if (connection.DryRun is null)
        {
            // The pace before the circuit: a request that waited for its permit (several are in flight) meets the
            // circuit as it is when its turn comes, so a vendor that stopped answering meanwhile costs no more timeouts.
            var pace = limiters.For(connection);
            builder.AddStrategy(_ => new PaceStrategy(pace, policy, time), new StrategyName("Pace"));
        }

        builder.AddStrategy(_ => new ConnectionCircuitStrategy(new ConnectionCircuit(time), connection), new StrategyName("Circuit"));

        builder.AddTimeout(connection.AttemptTimeout);
    }

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, VendorHttpPolicy policy, TimeProvider time)
    {
        var repeatable = context.GetRequestMessage() is not { } request || policy.IsIdempotent(request);
        switch (outcome)
        {
            case { Exception: TimeoutRejectedException }:
                var timeouts = context.Properties.GetValue(Timeouts, 0) + 1;
                context.Properties.Set(Timeouts, timeouts);
                return repeatable && timeouts < MaxTimeouts;
            case { Exception: HttpRequestException failure }:
                return repeatable || ClearFailureStrategy.NeverSent(failure);
            case { Result: { } response }:
                var advice = await policy.AdviseAsync(response, time);
                return advice.Retry && (advice.Delay is null || advice.Delay <= MaxWait)
                    && (repeatable || response.StatusCode < HttpStatusCode.InternalServerError);
            default:
                return false;
        }
    }
}
