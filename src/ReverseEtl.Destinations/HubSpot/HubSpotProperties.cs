using System.Net;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>Creates the sync's <c>create_properties</c> that the object lacks, once per writer, before the first batch.</summary>
internal sealed class HubSpotProperties(string connection, IHubSpotApi api, HubSpotSyncOptions options)
{
    private bool _ready;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready || options.CreateProperties.Count == 0)
        {
            _ready = true;
            return;
        }

        var existing = await api.ListPropertiesAsync(options.ObjectType, cancellationToken).ReceivedAsync("HubSpot", connection);
        if (!existing.IsSuccessStatusCode)
        {
            throw HubSpotErrors.Failure(connection, existing.Status(), HubSpotErrors.Parse(existing.ErrorContent()));
        }

        var names = (existing.Content?.Results ?? []).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = options.CreateProperties.Where(p => !names.Contains(p.Key))
            .Select(p => new HubSpotPropertyCreate(p.Key, p.Value, "string", "text", options.PropertyGroup, p.Key == options.IdProperty ? true : null))
            .ToList();
        if (missing.Count > 0)
        {
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
