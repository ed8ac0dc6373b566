using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.Text;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>What HubSpot's errors mean for a record, a batch, or the whole run.</summary>
internal static class HubSpotErrors
{
    public static HubSpotError? Parse(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<HubSpotError>(content, HubSpotDestination.Json);
        }
        catch (JsonException)
        {
            return new HubSpotError(null, null, TextCut.ToLimit(content, 300, marker: string.Empty), null, null, null);
        }
    }

    /// <summary>A 400 that every record of the batch would get alike: splitting the batch cannot help.</summary>
    public static bool IsWholeRequest(HubSpotError? error) => error?.Message is { } m && (
        m.Contains("non-unique", StringComparison.OrdinalIgnoreCase)
        || m.Contains("PROPERTY_DOESNT_EXIST", StringComparison.Ordinal)
        || m.Contains("does not exist", StringComparison.OrdinalIgnoreCase));

    public static bool IsTransientCategory(string? category) => category is "RATE_LIMITS" or "LOCKED" or "INTERNAL_ERROR";

    public static string Describe(HubSpotError? error, int status) =>
        error is null ? $"HTTP {status}" : $"{error.Category ?? $"HTTP {status}"}: {error.Message}";

    /// <summary>The run-stopping error for a status that no split or retry can fix.</summary>
    /// <remarks><paramref name="mayHaveBeenApplied"/>: a create that met a 5xx, which HubSpot may have applied.</remarks>
    public static DestinationException Failure(string connection, int status, HubSpotError? error, bool mayHaveBeenApplied = false)
    {
        var failure = Describe(connection, status, error, mayHaveBeenApplied);
        return status is 401 or 403 ? failure.Refused() : failure;
    }

    private static DestinationException Describe(string connection, int status, HubSpotError? error, bool mayHaveBeenApplied) => new($"HubSpot connection '{connection}': " + status switch
    {
        401 => "the token was refused (401)",
        403 => $"the token lacks a scope this sync needs (403): {error?.Message}",
        429 when error?.PolicyName == "DAILY" => "the account's daily API limit is spent; the sync stops here and its remaining records go on the next run after HubSpot's daily reset",
        429 => "still rate limited after retries; the remaining records go on the next run",
        477 => "HubSpot is migrating the account (477); the remaining records go on the next run",
        _ when mayHaveBeenApplied => $"{Describe(error, status)} (HTTP {status}) to a batch create, which HubSpot may have applied, so it is not sent again blindly",
        _ => $"{Describe(error, status)} (HTTP {status}{(status >= 500 ? ", after retries" : string.Empty)})",
    })
    { MayHaveBeenDelivered = mayHaveBeenApplied };
}
