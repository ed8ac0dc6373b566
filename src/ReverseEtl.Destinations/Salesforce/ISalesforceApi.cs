using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>sObject Collections upsert by external id (API v46.0 and later): at most 200 records, results in order.</summary>
internal interface ISalesforceApi
{
    [Patch("/services/data/{version}/composite/sobjects/{sobject}/{externalIdField}")]
    Task<IApiResponse<List<SalesforceResult>>> UpsertAsync(string version, string sobject, string externalIdField, [Body] JsonObject body, CancellationToken cancellationToken);

    [Delete("/services/data/{version}/composite/sobjects")]
    Task<IApiResponse<List<SalesforceResult>>> DeleteAsync(string version, [Query(CollectionFormat.Csv)] IEnumerable<string> ids, string allOrNone, CancellationToken cancellationToken);
}

/// <summary>The OAuth 2.0 token endpoint (client credentials or JWT bearer), on the login URL or My Domain.</summary>
internal interface ISalesforceAuthApi
{
    [Post("/services/oauth2/token")]
    Task<IApiResponse<SalesforceToken>> TokenAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);
}

/// <summary>One record's result: <c>success</c>, its <c>id</c>, whether it was <c>created</c>, and its errors.</summary>
internal sealed record SalesforceResult(string? Id, bool Success, bool? Created, IReadOnlyList<SalesforceRecordError>? Errors);

internal sealed record SalesforceRecordError(string? StatusCode, string? Message, IReadOnlyList<string>? Fields);

/// <summary>A request-level error: <c>[{"message","errorCode","fields"}]</c>.</summary>
internal sealed record SalesforceRequestError(string? Message, string? ErrorCode);

internal sealed record SalesforceToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("instance_url")] string? InstanceUrl,
    [property: JsonPropertyName("token_type")] string? TokenType);
