using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The resilience pipeline of one connection: retries (jittered exponential backoff, or the wait the vendor asks for),
/// a circuit breaker that stops hammering a vendor that is down, the credential's shared pace (each attempt waits for a
/// permit, outside its own timeout), and a timeout per attempt.
/// </summary>
internal static class DestinationPipeline
{
    /// <summary>A vendor asking for a longer wait than this is not retried in this run: its records are retried next run.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    /// <summary>How long an open circuit keeps calls away from a vendor that is down, before one trial call.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, HttpConnection connection, SharedRateLimiters limiters, TimeProvider time)
    {
        var policy = connection.Policy;
        builder
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
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 8,
                SamplingDuration = TimeSpan.FromSeconds(60),
                BreakDuration = BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsOutage(args.Outcome)),
            });
        if (connection.DryRun is null)
        {
            var pace = limiters.For(connection);
            builder.AddStrategy(_ => new PaceStrategy(pace, policy, time), new PaceStrategyOptions());
        }

        builder.AddTimeout(connection.AttemptTimeout);
    }

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, VendorHttpPolicy policy, TimeProvider time)
    {
        switch (outcome)
        {
            case { Exception: TimeoutRejectedException }:
                return context.GetRequestMessage() is not { } request || policy.MayRepeatAfterTimeout(request);
            case { Exception: HttpRequestException }:
                return true;
            case { Result: { } response }:
                var advice = await policy.AdviseAsync(response, time);
                return advice.Retry && (advice.Delay is null || advice.Delay <= MaxWait);
            default:
                return false;
        }
    }

    // Rate limiting is the vendor working as designed; only failures that look like an outage open the circuit.
    private static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode >= HttpStatusCode.InternalServerError,
        _ => false,
    };
}
