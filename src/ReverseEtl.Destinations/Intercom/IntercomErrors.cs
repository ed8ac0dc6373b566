using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>What Intercom's answers mean for a record or the whole run.</summary>
internal static partial class IntercomErrors
{
    /// <summary>The <c>code: message</c> of an error answer.</summary>
    public static string Describe(IApiResponse response)
    {
        var content = response.ErrorContent();
        try
        {
            var errors = content is null ? null : JsonSerializer.Deserialize<IntercomErrorList>(content, IntercomDestination.Json);
            if (errors?.Errors is [var first, ..])
            {
                return $"{first.Code}: {first.Message}";
            }
        }
        catch (JsonException)
        {
            // not Intercom's error body (e.g. a proxy's page): the status says it
        }

        return $"HTTP {response.Status()}";
    }

    /// <summary>The id in a 409 <c>conflict</c> message ("A contact matching those details already exists with id=…").</summary>
    public static string? ConflictId(IApiResponse response) =>
        ConflictIdPattern().Match(Describe(response)) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>A record-level rejection, or a run-stopping failure for statuses that every record would meet alike.</summary>
    public static RecordOutcome Reject(string connection, string call, IApiResponse response) => response.Status() switch
    {
        401 => throw new DestinationException($"Intercom connection '{connection}': the token was refused (401)").Refused(),
        403 => throw new DestinationException($"Intercom connection '{connection}': the token may not {call} (403): {Describe(response)}").Refused(),
        400 or 404 or 409 or 422 => RecordOutcome.Permanent($"{call}: {Describe(response)}"),
        429 => throw new DestinationException($"Intercom connection '{connection}': still rate limited after retries; the remaining records go on the next run"),
        var status => throw new DestinationException($"Intercom connection '{connection}': {call} answered HTTP {status} after retries: {Describe(response)}"),
    };

    [GeneratedRegex(@"id=([A-Za-z0-9]+)")]
    private static partial Regex ConflictIdPattern();
}
