using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>Reads records by a unique property (batch/read with <c>idProperty</c>) to learn their HubSpot ids.</summary>
internal static class HubSpotIdReads
{
    /// <summary>The HubSpot id of each value that a record holds in <paramref name="idProperty"/>; values no record holds are left out.</summary>
    public static async Task<Dictionary<string, string>> IdsAsync(
        IHubSpotApi api, string connection, string objectType, string idProperty, IReadOnlyList<string> values, CancellationToken cancellationToken)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var read = new HubSpotReadInput(idProperty, values.Select(v => new HubSpotObjectId(v)).ToList(), [idProperty], []);
        var answer = await api.ReadAsync(objectType, read, cancellationToken).ReceivedAsync("HubSpot", connection);
        if (!answer.IsSuccessStatusCode)
        {
            throw HubSpotErrors.Failure(connection, answer.Status(), HubSpotErrors.Parse(answer.ErrorContent()));
        }

        return (answer.Content?.Results ?? [])
            .Where(r => r.Properties?.GetValueOrDefault(idProperty) is not null)
            .GroupBy(r => r.Properties![idProperty]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
    }
}
