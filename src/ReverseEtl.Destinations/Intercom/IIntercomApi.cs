using System.Text.Json.Nodes;
using Refit;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>The Intercom REST calls the destination makes (Intercom-Version pinned by the connection, 2.14 by default).</summary>
internal interface IIntercomApi
{
    [Get("/contacts/find_by_external_id/{externalId}")]
    Task<IApiResponse<IntercomObject>> FindContactAsync(string externalId, CancellationToken cancellationToken);

    [Post("/contacts")]
    Task<IApiResponse<IntercomObject>> CreateContactAsync([Body] JsonObject contact, CancellationToken cancellationToken);

    [Put("/contacts/{id}")]
    Task<IApiResponse<IntercomObject>> UpdateContactAsync(string id, [Body] JsonObject contact, CancellationToken cancellationToken);

    [Post("/companies")]
    Task<IApiResponse<IntercomObject>> UpsertCompanyAsync([Body] JsonObject company, CancellationToken cancellationToken);

    [Post("/contacts/{contactId}/companies")]
    Task<IApiResponse<IntercomObject>> AttachCompanyAsync(string contactId, [Body] IntercomId company, CancellationToken cancellationToken);

    [Post("/tags")]
    Task<IApiResponse<IntercomObject>> UpsertTagAsync([Body] IntercomTagName tag, CancellationToken cancellationToken);

    [Post("/contacts/{contactId}/tags")]
    Task<IApiResponse<IntercomObject>> TagContactAsync(string contactId, [Body] IntercomId tag, CancellationToken cancellationToken);

    [Get("/data_attributes")]
    Task<IApiResponse<IntercomAttributeList>> ListDataAttributesAsync([AliasAs("model")] string model, CancellationToken cancellationToken);

    [Post("/data_attributes")]
    Task<IApiResponse<IntercomObject>> CreateDataAttributeAsync([Body] IntercomDataAttribute attribute, CancellationToken cancellationToken);

    [Post("/events")]
    Task<IApiResponse<string>> CreateEventAsync([Body] JsonObject dataEvent, CancellationToken cancellationToken);
}

internal sealed record IntercomObject(string? Type, string? Id);

internal sealed record IntercomId(string Id);

internal sealed record IntercomTagName(string Name);

internal sealed record IntercomAttributeList(IReadOnlyList<IntercomAttributeName>? Data);

internal sealed record IntercomAttributeName(string Name);

internal sealed record IntercomDataAttribute(string Name, string Model, string DataType);

/// <summary>Intercom's error body: <c>{"type":"error.list","errors":[{"code","message"}]}</c>.</summary>
internal sealed record IntercomErrorList(string? Type, IReadOnlyList<IntercomError>? Errors);

internal sealed record IntercomError(string? Code, string? Message);
