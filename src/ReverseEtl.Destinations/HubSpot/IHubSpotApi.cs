using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>The HubSpot CRM calls the destination makes (objects v3, properties v3, associations v4).</summary>
internal interface IHubSpotApi
{
    [Post("/crm/v3/objects/{objectType}/batch/upsert")]
    Task<IApiResponse<HubSpotWriteResult>> UpsertAsync(string objectType, [Body] HubSpotBatchInput body, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/{objectType}/batch/update")]
    Task<IApiResponse<HubSpotWriteResult>> UpdateAsync(string objectType, [Body] HubSpotBatchInput body, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/{objectType}/batch/create")]
    Task<IApiResponse<HubSpotWriteResult>> CreateAsync(string objectType, [Body] HubSpotCreateInput body, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/{objectType}/batch/archive")]
    Task<IApiResponse<string>> ArchiveAsync(string objectType, [Body] HubSpotArchiveInput body, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/{objectType}/batch/read")]
    Task<IApiResponse<HubSpotBatchResult>> ReadAsync(string objectType, [Body] HubSpotReadInput body, CancellationToken cancellationToken);

    [Post("/crm/v3/objects/{objectType}/search")]
    Task<IApiResponse<HubSpotSearchResult>> SearchAsync(string objectType, [Body] HubSpotSearchInput body, CancellationToken cancellationToken);

    [Post("/crm/v4/associations/{fromType}/{toType}/batch/associate/default")]
    Task<IApiResponse<string>> AssociateAsync(string fromType, string toType, [Body] HubSpotAssociationInput body, CancellationToken cancellationToken);

    [Get("/crm/v3/properties/{objectType}")]
    Task<IApiResponse<HubSpotPropertyList>> ListPropertiesAsync(string objectType, CancellationToken cancellationToken);

    [Post("/crm/v3/properties/{objectType}/batch/create")]
    Task<IApiResponse<HubSpotPropertyList>> CreatePropertiesAsync(string objectType, [Body] HubSpotPropertyCreateBatch body, CancellationToken cancellationToken);
}

internal sealed record HubSpotBatchInput(IReadOnlyList<HubSpotUpsertInput> Inputs);

/// <summary>One record: <see cref="Id"/> is the value of the unique property <see cref="IdProperty"/>.</summary>
internal sealed record HubSpotUpsertInput(string Id, string IdProperty, IReadOnlyDictionary<string, string> Properties, string ObjectWriteTraceId);

internal sealed record HubSpotCreateInput(IReadOnlyList<HubSpotCreateRecord> Inputs);

internal sealed record HubSpotCreateRecord(IReadOnlyDictionary<string, string> Properties, string ObjectWriteTraceId);

/// <summary>
/// A 200 or 207 answer to a batch write: <see cref="Errors"/> only on 207. The records' echoed properties are not read
/// (only their ids and trace ids are used), so they are skipped, not turned into a dictionary per record.
/// </summary>
internal sealed record HubSpotWriteResult(string? Status, IReadOnlyList<HubSpotWritten>? Results, IReadOnlyList<HubSpotError>? Errors);

/// <summary>
/// One record of a batch write's answer: its HubSpot id and the trace id it was sent with. Read through the
/// parameterless constructor and the properties' setters: System.Text.Json reads a record through its parameters with a
/// state object and an argument holder made for each record, and a first run reads a million.
/// </summary>
internal sealed record HubSpotWritten(string Id, string? ObjectWriteTraceId)
{
    [JsonConstructor]
    public HubSpotWritten()
        : this(null!, null)
    {
    }
}

/// <summary>A 200 or 207 answer to a batch read, with each record's properties: <see cref="Errors"/> only on 207.</summary>
internal sealed record HubSpotBatchResult(string? Status, IReadOnlyList<HubSpotRecordResult>? Results, IReadOnlyList<HubSpotError>? Errors);

internal sealed record HubSpotRecordResult(string Id, string? ObjectWriteTraceId, IReadOnlyDictionary<string, string?>? Properties);

/// <summary>HubSpot's StandardError, both as a whole answer (4xx) and as one entry of a 207's <c>errors</c>.</summary>
internal sealed record HubSpotError(
    string? Status,
    string? Category,
    string? Message,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Context,
    [property: JsonPropertyName("policyName")] string? PolicyName,
    string? ObjectWriteTraceId);

internal sealed record HubSpotPropertyList(IReadOnlyList<HubSpotProperty>? Results);

internal sealed record HubSpotProperty(string Name);

internal sealed record HubSpotPropertyCreateBatch(IReadOnlyList<HubSpotPropertyCreate> Inputs);

internal sealed record HubSpotPropertyCreate(string Name, string Label, string Type, string FieldType, string GroupName, bool? HasUniqueValue);

/// <summary>Reads records by a unique property; <see cref="Properties"/> brings that property back to match results to ids.</summary>
internal sealed record HubSpotReadInput(string IdProperty, IReadOnlyList<HubSpotObjectId> Inputs, IReadOnlyList<string> Properties, IReadOnlyList<string> PropertiesWithHistory);

internal sealed record HubSpotObjectId(string Id);

internal sealed record HubSpotAssociationInput(IReadOnlyList<HubSpotAssociationPair> Inputs);

internal sealed record HubSpotAssociationPair(HubSpotObjectId From, HubSpotObjectId To);

internal sealed record HubSpotArchiveInput(IReadOnlyList<HubSpotObjectId> Inputs);

/// <summary>A CRM search: filter groups are OR-ed, the filters of a group AND-ed; <see cref="After"/> is the paging cursor ("0" for the first page).</summary>
internal sealed record HubSpotSearchInput(IReadOnlyList<HubSpotFilterGroup> FilterGroups, IReadOnlyList<string> Properties, IReadOnlyList<string> Sorts, int Limit, string After);

internal sealed record HubSpotFilterGroup(IReadOnlyList<HubSpotFilter> Filters);

internal sealed record HubSpotFilter(string PropertyName, string Operator, IReadOnlyList<string> Values);

internal sealed record HubSpotSearchResult(int? Total, IReadOnlyList<HubSpotRecordResult>? Results, HubSpotPaging? Paging);

internal sealed record HubSpotPaging(HubSpotNextPage? Next);

internal sealed record HubSpotNextPage(string After);
