using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>Reading Refit's <see cref="IApiResponse"/> the same way in every vendor.</summary>
internal static class ApiResponses
{
    /// <summary>
    /// The response, or a run-stopping <see cref="DestinationException"/> when no usable answer came (network, timeout,
    /// open circuit, a page that is not JSON, after retries); after a timeout it has <see cref="DestinationException.MayHaveBeenDelivered"/> set.
    /// </summary>
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
            throw clear; // already says what is wrong: no answer, no connection, an open circuit (the pipeline), a refused token (a handler)
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
