using System.Net;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>Creates the sync's <c>create_properties</c> that the object lacks, once per writer, before the first batch.</summary>
/// The object's property list comes from the connection's <paramref name="cache"/> (the check before the run has
/// usually just asked for it); after creating properties, the cache forgets that list.
internal sealed class HubSpotProperties(string connection, IHubSpotApi api, HubSpotSyncOptions options, VendorFieldCache<IReadOnlySet<string>> cache)
{
    private bool _ready;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready || options.CreateProperties.Count == 0)
        {
            _ready = true;
            return;
        }

        var names = await cache.GetAsync(options.ObjectType, ct => HubSpotFieldCheck.ListAsync(connection, api, options.ObjectType, ct), cancellationToken);
        var missing = options.CreateProperties.Where(p => !names.Contains(p.Key))
            .Select(p => new HubSpotPropertyCreate(p.Key, p.Value.Label, p.Value.Type, p.Value.FieldType, options.PropertyGroup, p.Key == options.IdProperty ? true : null))
            .ToList();
        if (missing.Count > 0)
        {
            cache.Forget(options.ObjectType);
            var created = await api.CreatePropertiesAsync(options.ObjectType, new HubSpotPropertyCreateBatch(missing), cancellationToken).ReceivedAsync("HubSpot", connection);
            if (!created.IsSuccessStatusCode && created.StatusCode != HttpStatusCode.Conflict)
            {
                var error = HubSpotErrors.Parse(created.ErrorContent());
                throw new DestinationException($"HubSpot connection '{connection}': creating properties {string.Join(", ", missing.Select(m => m.Name))} on {options.ObjectType} failed: {HubSpotErrors.Describe(error, created.Status())}");
            }
        }

        _ready = true;
    }
}
