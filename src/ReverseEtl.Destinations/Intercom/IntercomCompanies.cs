using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// The companies and tags of one writer: each company is created or updated (POST /companies, by company_id) at most
/// once per run for the same attributes, and each tag found or created once; their Intercom ids are kept for attaching.
/// </summary>
internal sealed class IntercomCompanies(string connection, IIntercomApi api, IntercomSyncOptions options)
{
    private readonly Dictionary<string, (string Id, string Body)> _companies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);

    public JsonObject? Body(IReadOnlyDictionary<string, object?> row)
    {
        if (options.Company is not { } company || IntercomValues.Text(row.GetValueOrDefault(company.CompanyId)) is not { Length: > 0 } companyId)
        {
            return null;
        }

        var body = new JsonObject { ["company_id"] = companyId };
        // Intercom's description allows no null in a company's name or custom attributes: a null name is left out, a null
        // attribute is sent as "", which clears it.
        if (company.Name is { } name && IntercomValues.Text(row.GetValueOrDefault(name)) is { } text)
        {
            body["name"] = text;
        }

        if (company.CustomAttributes.Count > 0)
        {
            body["custom_attributes"] = IntercomValues.Clearing(company.CustomAttributes, row);
        }

        return body;
    }

    /// <summary>Writes the row's company when its attributes changed in this run; attaches the contact when it is new to the sync.</summary>
    public async Task<RecordOutcome?> AttachAsync(string contactId, IReadOnlyDictionary<string, object?> row, bool fresh, CancellationToken cancellationToken)
    {
        if (Body(row) is not { } body)
        {
            return null;
        }

        var companyId = body["company_id"]!.GetValue<string>();
        var text = IntercomContactWriter.Canonical(body);
        if (!_companies.TryGetValue(companyId, out var known) || known.Body != text)
        {
            var saved = await api.UpsertCompanyAsync(body, cancellationToken).ReceivedAsync("Intercom", connection);
            if (!saved.IsSuccessStatusCode || saved.Content?.Id is not { } id)
            {
                return IntercomErrors.Reject(connection, "create or update company", saved);
            }

            known = _companies[companyId] = (id, text);
        }

        if (!fresh)
        {
            return null;
        }

        var attached = await api.AttachCompanyAsync(contactId, new IntercomId(known.Id), cancellationToken).ReceivedAsync("Intercom", connection);
        return attached.IsSuccessStatusCode ? null : IntercomErrors.Reject(connection, "attach company", attached);
    }

    /// <summary>Tags a contact that is new to the sync with every tag of the sync.</summary>
    public async Task<RecordOutcome?> TagAsync(string contactId, bool fresh, CancellationToken cancellationToken)
    {
        foreach (var name in fresh ? options.Tags : [])
        {
            if (!_tags.TryGetValue(name, out var tagId))
            {
                var tag = await api.UpsertTagAsync(new IntercomTagName(name), cancellationToken).ReceivedAsync("Intercom", connection);
                if (!tag.IsSuccessStatusCode || tag.Content?.Id is not { } id)
                {
                    return IntercomErrors.Reject(connection, "create tag", tag);
                }

                tagId = _tags[name] = id;
            }

            var tagged = await api.TagContactAsync(contactId, new IntercomId(tagId), cancellationToken).ReceivedAsync("Intercom", connection);
            if (!tagged.IsSuccessStatusCode)
            {
                return IntercomErrors.Reject(connection, "tag contact", tagged);
            }
        }

        return null;
    }
}
