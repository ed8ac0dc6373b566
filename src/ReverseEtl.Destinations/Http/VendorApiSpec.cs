using System.Text.Json;

namespace ReverseEtl.Destinations.Http;

/// <summary>What a vendor's Refit client is built from.</summary>
/// <param name="Policy">The vendor's retry and pacing rules.</param>
/// <param name="Secret">The credential (token, or a webhook URL); null means a dry run to the outbox.</param>
/// <param name="Http">The connection's shared HTTP keys.</param>
/// <param name="BaseUrl">What relative paths resolve against.</param>
/// <param name="DryRunAnswer">How the vendor answers on success, for the dry run.</param>
/// <param name="Json">How bodies are written and read.</param>
/// <param name="BearerToken">Whether the secret is sent as <c>Authorization: Bearer</c>.</param>
public sealed record VendorApiSpec(
    VendorHttpPolicy Policy,
    string? Secret,
    HttpConnectionOptions Http,
    Uri BaseUrl,
    Func<HttpRequestMessage, JsonElement?, HttpResponseMessage> DryRunAnswer,
    JsonSerializerOptions Json,
    bool BearerToken = true)
{
    /// <summary>Headers sent on every request, e.g. a pinned API version.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A handler that sees each request before the retries, e.g. one that adds an OAuth token and renews it.</summary>
    public DelegatingHandler? Outer { get; init; }
}
