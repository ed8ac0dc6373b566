using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// Before every run's first send and in <c>validate --live</c>: every payload field the sync writes must be a property of the object (properties v3 list) or be
/// listed in <c>create_properties</c>; else HubSpot would reject every record with PROPERTY_DOESNT_EXIST.
/// The list is kept per object for <see cref="VendorFieldCache{T}.Lifetime"/> (shared with <see cref="HubSpotProperties"/>).
/// </summary>
internal static class HubSpotFieldCheck
{
    public static async Task<FieldCheckResult> CheckAsync(string connection, IHubSpotApi api, VendorFieldCache<IReadOnlySet<string>> cache, bool dryRun,
        SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken)
    {
        var options = HubSpotSyncOptions.From(sync, []);
        if (dryRun)
        {
            return FieldCheckResult.Skipped($"dry run: HubSpot connection '{connection}' has no token, so the {options.ObjectType} properties could not be listed");
        }

        var existing = await cache.GetAsync(options.ObjectType, ct => ListAsync(connection, api, options.ObjectType, ct), cancellationToken);
        var missing = fields.Where(f => f != options.Associate?.Field && !existing.Contains(f) && !options.CreateProperties.ContainsKey(f));
        return new FieldCheckResult(missing.Select(f => new FieldProblem(f,
            $"HubSpot {options.ObjectType} have no property '{f}' and it is not in create_properties: add it there (name: label) or create it in HubSpot first")).ToList());
    }

    /// <summary>The names of <paramref name="objectType"/>'s properties (one call to the properties v3 list).</summary>
    /// <exception cref="DestinationException">HubSpot refused or did not answer.</exception>
    public static async Task<IReadOnlySet<string>> ListAsync(string connection, IHubSpotApi api, string objectType, CancellationToken cancellationToken)
    {
        var listed = await api.ListPropertiesAsync(objectType, cancellationToken).ReceivedAsync("HubSpot", connection);
        return listed.IsSuccessStatusCode
            ? (listed.Content?.Results ?? []).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : throw HubSpotErrors.Failure(connection, listed.Status(), HubSpotErrors.Parse(listed.ErrorContent()));
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
