using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// One line per retry, naming the vendor, the connection, what happened (an HTTP status, no answer in time, no
/// connection), the wait and the attempt; the exception's stack trace only at Debug. Each retry is counted too
/// (<c>reverse_etl.http.retries</c>, by reason: <c>http_429</c>, <c>timeout</c>, the exception's type).
/// </summary>
internal static partial class RetryLog
{
    public static ValueTask OnRetry(ILogger logger, ReverseEtlMetrics metrics, HttpConnection connection, Outcome<HttpResponseMessage> outcome, TimeSpan wait, int attempt)
    {
        var what = outcome switch
        {
            { Result: { } response } => $"HTTP {(int)response.StatusCode}",
            { Exception: TimeoutRejectedException } => $"no answer within {connection.AttemptTimeout.TotalSeconds:0.#} s",
            { Exception: { } failure } => $"{failure.GetType().Name}: {failure.Message}",
            _ => "no outcome",
        };
        metrics.Retried(connection.Policy.Vendor, connection.Connection, outcome switch
        {
            { Result: { } answer } => $"http_{(int)answer.StatusCode}",
            { Exception: TimeoutRejectedException } => "timeout",
            { Exception: { } error } => error.GetType().FullName ?? "unknown",
            _ => "unknown",
        });
        Retrying(logger, connection.Policy.Title, connection.Connection, what, Math.Round(wait.TotalSeconds, 1), attempt + 1);
        if (outcome.Exception is { } exception)
        {
            RetryingDetail(logger, connection.Connection, exception);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(2020, LogLevel.Warning, "{Vendor} connection {Connection}: {What}; retry {Attempt} in {Seconds} s")]
    private static partial void Retrying(ILogger logger, string vendor, string connection, string what, double seconds, int attempt);

    [LoggerMessage(2021, LogLevel.Debug, "{Connection}: the failure before that retry")]
    private static partial void RetryingDetail(ILogger logger, string connection, Exception exception);
}
