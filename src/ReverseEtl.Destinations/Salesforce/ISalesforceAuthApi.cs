using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>The OAuth 2.0 token endpoint (client credentials or JWT bearer), on the login URL or My Domain.</summary>
internal interface ISalesforceAuthApi
{
    [Post("/services/oauth2/token")]
    Task<IApiResponse<SalesforceToken>> TokenAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);
}

internal sealed record SalesforceToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("token_type")] string? TokenType);
