using Polly;
using Polly.Timeout;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The outermost strategy of a connection's pipeline: once the retries are done, a call that got no usable answer ends
/// in a <see cref="DestinationException"/> naming the connection and its host and saying what to do. A timeout sets
/// <see cref="DestinationException.MayHaveBeenDelivered"/>: the request went out and may have been applied. A successful
/// answer that is not JSON where JSON was due (a proxy's or a captive portal's page) is named as such.
/// </summary>
internal sealed class ClearFailureStrategy(HttpConnection connection) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        var outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        var who = ConnectionCircuitStrategy.Who(connection, context);
        var attempts = context.Properties.GetValue(ConnectionCircuitStrategy.Attempts, 0);
        var tried = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        switch (outcome)
        {
            case { Exception: TimeoutRejectedException timeout }:
                return Fail(new DestinationException(
                    $"{who}: {ConnectionCircuitStrategy.NoAnswer(connection)} ({tried}); check that the vendor is up and the connection's base_url, or raise timeout_seconds", timeout)
                { MayHaveBeenDelivered = true });
            case { Exception: HttpRequestException failure }:
                return Fail(new DestinationException($"{who}: could not be reached ({failure.Message}; {tried}); check the connection's base_url and the network", failure)
                { MayHaveBeenDelivered = !NeverSent(failure) });
            case { Result: { IsSuccessStatusCode: true } response } when NotJson(response, context) is { } mediaType:
                var status = (int)response.StatusCode;
                response.Dispose();
                return Fail(new DestinationException(
                    $"{who}: answered {status} with {mediaType}, not JSON: a proxy or captive portal may be answering in the vendor's place; check the connection's base_url and the network"));
            default:
                return outcome;
        }
    }

    /// <summary>Whether the request certainly never reached the vendor (no connection was made).</summary>
    public static bool NeverSent(HttpRequestException failure) =>
        failure?.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;

    private static Outcome<HttpResponseMessage> Fail(Exception exception) => Outcome.FromException<HttpResponseMessage>(exception);

    // HTML is never a vendor's answer; other types only where the vendor answers JSON. An empty body says nothing.
    private string? NotJson(HttpResponseMessage response, ResilienceContext context)
    {
        if (response.Content.Headers is not { ContentType.MediaType: { } mediaType, ContentLength: > 0 })
        {
            return null;
        }

        var json = mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        var jsonDue = context.GetRequestMessage() is not { } request || connection.Policy.AnswersJson(request);
        return mediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || (jsonDue && !json) ? mediaType : null;
    }
}
