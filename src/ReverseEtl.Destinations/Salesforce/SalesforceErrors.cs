using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.Text;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>Request-level failures, and the daily API usage guard.</summary>
internal static partial class SalesforceErrors
{
    public static DestinationException Failure(string connection, IApiResponse answer)
    {
        var error = First(answer.ErrorContent());
        var what = answer.Status() switch
        {
            401 => $"the session was refused even after renewing the token ({error})",
            403 when error.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal) => $"the org's API request allocation is spent ({error}); the sync stops and its remaining records go on the next run",
            403 => $"the integration user may not do this ({error})",
            400 or 404 => $"{error}; check the sync's sobject and external_id_field, and that every field exists on it",
            var status => $"HTTP {status} after retries ({error})",
        };
        var failure = new DestinationException($"Salesforce connection '{connection}': {what}");
        return answer.Status() is 401 || (answer.Status() is 403 && !error.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal)) ? failure.Refused() : failure;
    }

    /// <summary>Why the sync must stop, when <c>Sforce-Limit-Info: api-usage=n/max</c> is past the limit; else null.</summary>
    public static string? UsageGuard(string connection, IApiResponse answer, double limitPercent)
    {
        var header = answer.Headers?.TryGetValues("Sforce-Limit-Info", out var values) == true ? values.FirstOrDefault() : null;
        if (header is null || Usage().Match(header) is not { Success: true } m)
        {
            return null;
        }

        var (used, max) = (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var percent = max > 0 ? used * 100 / max : 0;
        return percent < limitPercent ? null
            : string.Create(CultureInfo.InvariantCulture, $"Salesforce connection '{connection}': the org has used {used:0}/{max:0} ({percent:0.#}%) of its daily API requests, past usage_limit_percent {limitPercent:0.#}; the sync stops and its remaining records go on the next run");
    }

    private static string First(string? content)
    {
        try
        {
            using var json = JsonDocument.Parse(content ?? "[]");
            if (json.RootElement is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0)
            {
                var e = list[0];
                return $"{e.GetProperty("errorCode").GetString()}: {e.GetProperty("message").GetString()}";
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // not Salesforce's error list (e.g. a proxy's page): the text itself says it
        }

        return content is { Length: > 0 } text ? TextCut.ToLimit(text, 300, marker: string.Empty) : "no details";
    }

    [GeneratedRegex(@"api-usage=(\d+)/(\d+)")]
    private static partial Regex Usage();
}
