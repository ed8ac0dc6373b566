using System.Text.Json.Nodes;
using Refit;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>sObject Collections upsert by external id (API v46.0 and later): at most 200 records, results in order.</summary>
internal interface ISalesforceApi
{
    [Patch("/services/data/{version}/composite/sobjects/{sobject}/{externalIdField}")]
    Task<IApiResponse<List<SalesforceResult>>> UpsertAsync(string version, string sobject, string externalIdField, [Body] JsonObject body, CancellationToken cancellationToken);

    /// <summary>The sObject's metadata: its fields, with whether each may be set on create and on update.</summary>
    [Get("/services/data/{version}/sobjects/{sobject}/describe")]
    Task<IApiResponse<SalesforceDescribe>> DescribeAsync(string version, string sobject, CancellationToken cancellationToken);

    /// <summary>Deletes the record whose external id field holds <paramref name="value"/>: 204; 404 when none does; 300 when several do.</summary>
    [Delete("/services/data/{version}/sobjects/{sobject}/{externalIdField}/{value}")]
    Task<IApiResponse<string>> DeleteByExternalIdAsync(string version, string sobject, string externalIdField, string value, CancellationToken cancellationToken);

    [Delete("/services/data/{version}/composite/sobjects")]
    Task<IApiResponse<List<SalesforceResult>>> DeleteAsync(string version, [Query(CollectionFormat.Csv)] IEnumerable<string> ids, string allOrNone, CancellationToken cancellationToken);
}

/// <summary>One record's result: <c>success</c>, its <c>id</c>, whether it was <c>created</c>, and its errors.</summary>
internal sealed record SalesforceResult(string? Id, bool Success, bool? Created, IReadOnlyList<SalesforceRecordError>? Errors);

internal sealed record SalesforceRecordError(string? StatusCode, string? Message, IReadOnlyList<string>? Fields);

/// <summary>The part of an sObject describe the field check reads.</summary>
internal sealed record SalesforceDescribe(string? Name, IReadOnlyList<SalesforceField>? Fields);

internal sealed record SalesforceField(string Name, bool Createable, bool Updateable);

/// <summary>A request-level error: <c>[{"message","errorCode","fields"}]</c>.</summary>
internal sealed record SalesforceRequestError(string? Message, string? ErrorCode);
