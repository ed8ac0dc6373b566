using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// Before a run: every payload field the sync writes must be a property of the object (properties v3 list) or be
/// listed in <c>create_properties</c>; else HubSpot would reject every record with PROPERTY_DOESNT_EXIST.
/// </summary>
internal static class HubSpotFieldCheck
{
    public static async Task<FieldCheckResult> CheckAsync(string connection, IHubSpotApi api, bool dryRun, SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var options = HubSpotSyncOptions.From(sync, []);
        if (dryRun)
        {
            return FieldCheckResult.Skipped($"dry run: HubSpot connection '{connection}' has no token, so the {options.ObjectType} properties could not be listed");
        }

        var listed = await api.ListPropertiesAsync(options.ObjectType, cancellationToken).ReceivedAsync("HubSpot", connection);
        if (!listed.IsSuccessStatusCode)
        {
            throw HubSpotErrors.Failure(connection, listed.Status(), HubSpotErrors.Parse(listed.ErrorContent()));
        }

        var existing = (listed.Content?.Results ?? []).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = fields.Where(f => f != options.Associate?.Field && !existing.Contains(f) && !options.CreateProperties.ContainsKey(f));
        return new FieldCheckResult(missing.Select(f => new FieldProblem(f,
            $"HubSpot {options.ObjectType} have no property '{f}' and it is not in create_properties: add it there (name: label) or create it in HubSpot first")).ToList());
    }

    /// <summary>The payload fields the section names: the id property's value, and the field an association is found by.</summary>
    public static IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync)
    {
        var options = HubSpotSyncOptions.From(sync, []);
        var byId = sync.Mode != SyncMode.CreateOnly && options.IdProperty.Length > 0; // create_only records carry no id property
        var references = byId ? new List<FieldReference> { new("id_property", options.IdProperty) } : [];
        references.AddRange(options.Associate is { } associate ? [new FieldReference("associate.field", associate.Field)] : []);
        return references;
    }
}
