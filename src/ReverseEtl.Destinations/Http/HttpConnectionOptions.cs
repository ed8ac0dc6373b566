using System.Text.Json;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>The keys every HTTP destination connection shares: <c>base_url</c>, <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record HttpConnectionOptions(Uri BaseUrl, TimeSpan AttemptTimeout, RateLimit? RateLimit)
{
    /// <summary>Reads the shared keys; a bad value is added to <paramref name="problems"/> and replaced by its default.</summary>
    public static HttpConnectionOptions From(JsonElement options, string defaultBaseUrl, List<ConfigProblem>? problems = null)
    {
        var baseUrl = Url(options, "base_url", problems) ?? new Uri(defaultBaseUrl);
        var seconds = options.TryGetProperty("timeout_seconds", out var s) ? s.GetDouble() : 30;
        RateLimit? limit = null;
        if (options.TryGetProperty("rate_limit", out var r))
        {
            limit = new RateLimit(r.GetProperty("requests").GetInt32(), TimeSpan.FromSeconds(r.GetProperty("per_seconds").GetDouble()));
        }

        return new HttpConnectionOptions(baseUrl, TimeSpan.FromSeconds(seconds), limit);
    }

    /// <summary>A string option, or null when absent, null or blank (an unset <c>${VAR:-}</c>).</summary>
    public static string? Text(JsonElement options, string name) =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;

    /// <summary>An absolute http(s) URL option; a bad one is a problem that names it.</summary>
    public static Uri? Url(JsonElement options, string name, List<ConfigProblem>? problems)
    {
        if (Text(options, name) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        problems?.Add(new ConfigProblem(name, $"'{text}' is not an absolute http(s) URL"));
        return null;
    }
}
