using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>Reading Refit's <see cref="IApiResponse"/> the same way in every vendor.</summary>
internal static class ApiResponses
{
    /// <summary>The response, or a run-stopping <see cref="DestinationException"/> when no answer came (network, timeout or open circuit, after retries).</summary>
    public static async Task<T> ReceivedAsync<T>(this Task<T> call, string vendor, string connection)
        where T : IApiResponse
    {
        var response = await call;
        response.EnsureReceived(vendor, connection);
        return response;
    }

    /// <summary>Throws a run-stopping <see cref="DestinationException"/> when no answer came.</summary>
    public static void EnsureReceived(this IApiResponse response, string vendor, string connection)
    {
        if (!response.IsReceived && response.Error?.InnerException is DestinationException clear)
        {
            throw clear; // already says what is wrong (e.g. a refused token request, from a handler)
        }

        if (!response.IsReceived && response.Error?.InnerException is Polly.CircuitBreaker.BrokenCircuitException open)
        {
            throw new DestinationException($"{vendor} connection '{connection}': {vendor} has been failing (server errors or no answer on most recent calls), so calls to it are paused for {DestinationPipeline.BreakDuration.TotalSeconds:0} s; the records stay due for the next run", open);
        }

        if (!response.IsReceived)
        {
            var cause = response.Error?.InnerException ?? response.Error;
            throw new DestinationException($"{vendor} connection '{connection}': {vendor} could not be reached after retries ({cause?.GetType().Name}: {cause?.Message})", response.Error!);
        }
    }

    /// <summary>The HTTP status as a number.</summary>
    public static int Status(this IApiResponse response) => response.StatusCode is { } status ? (int)status : 0;

    /// <summary>The body of an error answer, when there was one.</summary>
    public static string? ErrorContent(this IApiResponse response) => (response.Error as ApiException)?.Content;
}
