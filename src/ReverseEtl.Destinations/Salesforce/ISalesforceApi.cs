using System.Text.Json.Nodes;
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

/// <summary>One record's result: <c>success</c>, its <c>id</c>, whether it was <c>created</c>, and its errors.</summary>
internal sealed record SalesforceResult(string? Id, bool Success, bool? Created, IReadOnlyList<SalesforceRecordError>? Errors);

internal sealed record SalesforceRecordError(string? StatusCode, string? Message, IReadOnlyList<string>? Fields);

/// <summary>A request-level error: <c>[{"message","errorCode","fields"}]</c>.</summary>
internal sealed record SalesforceRequestError(string? Message, string? ErrorCode);
