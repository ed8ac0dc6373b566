using ReverseEtl.Abstractions.Telemetry;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Measures each attempt that goes to the network (inside the retries, so every attempt counts once): its duration and
/// status code per vendor and connection, and the 429s; the dry-run outbox is not measured. The URL is never recorded:
/// it can carry a customer's value (an id or an email to look up) or a webhook's secret.
/// </summary>
internal sealed class AttemptMetricsHandler(ReverseEtlMetrics metrics, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var connection = HttpConnection.Of(request);
        if (connection.DryRun is not null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var started = time.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.HttpAttempt(connection.Policy.Vendor, connection.Connection, time.GetElapsedTime(started), (int)response.StatusCode, null);
            return response;
        }
        catch (Exception ex)
        {
            metrics.HttpAttempt(connection.Policy.Vendor, connection.Connection, time.GetElapsedTime(started), null, ex.GetType().FullName);
            throw;
        }
    }
}
