using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Contacts, one call chain per record: found by external_id, then updated (PUT) or created (POST; a 409 from a racing
/// or slow create becomes a PUT to the id Intercom names). A new contact, or one new to the sync, is attached to its
/// company (created or updated once per run) and tagged.
/// </summary>
internal sealed class IntercomContactWriter(string connection, IIntercomApi api, IntercomSyncOptions options) : OneByOneWriter
{
    private readonly IntercomAttributes _attributes = new(connection, api, options);
    private readonly IntercomCompanies _companies = new(connection, api, options);

    protected override Task BeforeBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken) =>
        records.Count > 0 ? _attributes.EnsureAsync(records[0].Payload, cancellationToken) : Task.CompletedTask;

    public override JsonNode Preview(SyncRecord record) => new JsonObject
    {
        ["contact"] = Body(record.Payload),
        ["company"] = options.Company is null ? null : _companies.Body(record.Payload),
        ["tags"] = new JsonArray(options.Tags.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
    };

    protected override async Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        if (IntercomValues.Text(record.Payload.GetValueOrDefault(options.Field("external_id")!)) is not { Length: > 0 } externalId)
        {
            return RecordOutcome.Permanent($"the external_id field '{options.Field("external_id")}' is empty");
        }

        var (id, created, failure) = await UpsertAsync(externalId, Body(record.Payload), cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        var fresh = created || record.Action == RecordAction.Enter;
        return await _companies.AttachAsync(id!, record.Payload, fresh, cancellationToken)
            ?? await _companies.TagAsync(id!, fresh, cancellationToken)
            ?? RecordOutcome.Sent(id);
    }

    private async Task<(string? Id, bool Created, RecordOutcome? Failure)> UpsertAsync(string externalId, JsonObject body, CancellationToken cancellationToken)
    {
        var found = await api.FindContactAsync(externalId, cancellationToken).ReceivedAsync("Intercom", connection);
        if (found.IsSuccessStatusCode && found.Content?.Id is { } existing)
        {
            return await UpdateAsync(existing, body, cancellationToken);
        }

        if (found.Status() != 404)
        {
            return (null, false, IntercomErrors.Reject(connection, "find contact", found));
        }

        var create = await api.CreateContactAsync(body, cancellationToken).ReceivedAsync("Intercom", connection);
        if (create.IsSuccessStatusCode && create.Content?.Id is { } id)
        {
            return (id, true, null);
        }

        return create.Status() == 409 && IntercomErrors.ConflictId(create) is { } conflicting
            ? await UpdateAsync(conflicting, body, cancellationToken)
            : (null, false, IntercomErrors.Reject(connection, "create contact", create));
    }

    private async Task<(string? Id, bool Created, RecordOutcome? Failure)> UpdateAsync(string id, JsonObject body, CancellationToken cancellationToken)
    {
        var update = await api.UpdateContactAsync(id, body, cancellationToken).ReceivedAsync("Intercom", connection);
        return update.IsSuccessStatusCode ? (id, false, null) : (null, false, IntercomErrors.Reject(connection, "update contact", update));
    }

    private JsonObject Body(IReadOnlyDictionary<string, object?> row)
    {
        var body = new JsonObject { ["role"] = options.Field("role") ?? "user" };
        foreach (var key in new[] { "external_id", "email", "name" })
        {
            // A null name clears it (Intercom allows it); a null email or external_id is left out (it allows no null there).
            if (options.Field(key) is { } field && IntercomValues.Text(row.GetValueOrDefault(field)) is var value && (value is not null || key == "name"))
            {
                body[key] = value;
            }
        }

        if (options.CustomAttributes.Count > 0)
        {
            body["custom_attributes"] = IntercomValues.Object(options.CustomAttributes, row, keepNulls: true); // null clears
        }

        return body;
    }

    internal static string Canonical(JsonObject body) => body.ToJsonString(IntercomDestination.Json);
}
