using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// Associates the records a batch wrote with their records of another object (v4 default association): reads those by
/// their unique property to learn their ids, then associates in one call. A record whose target is missing, or whose
/// association failed, is retried next run (its upsert is idempotent).
/// </summary>
internal sealed class HubSpotAssociations(string connection, IHubSpotApi api, HubSpotSyncOptions options)
{
    public async Task ApplyAsync(IReadOnlyList<SyncRecord> records, RecordOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        if (options.Associate is not { } target)
        {
            return;
        }

        var wanted = Enumerable.Range(0, records.Count)
            .Where(i => outcomes[i]?.Status == OutcomeStatus.Sent && HubSpotValues.Format(records[i].Payload.GetValueOrDefault(target.Field)).Length > 0)
            .ToDictionary(i => i, i => HubSpotValues.Format(records[i].Payload[target.Field]));
        if (wanted.Count == 0)
        {
            return;
        }

        var ids = await HubSpotIdReads.IdsAsync(api, connection, target.ObjectType, target.IdProperty, wanted.Values.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        foreach (var (i, key) in wanted.Where(w => !ids.ContainsKey(w.Value)))
        {
            outcomes[i] = RecordOutcome.Retryable($"no {target.ObjectType} record has {target.IdProperty} '{key}' yet; the association is retried next run");
        }

        var pairs = wanted.Where(w => ids.ContainsKey(w.Value)).ToList();
        var input = new HubSpotAssociationInput(pairs.Select(p => new HubSpotAssociationPair(new(outcomes[p.Key]!.DestinationId!), new(ids[p.Value]))).ToList());
        var answer = await api.AssociateAsync(options.ObjectType, target.ObjectType, input, cancellationToken).ReceivedAsync("HubSpot", connection);
        if (answer.Status() is 401 or 403 or 429)
        {
            throw HubSpotErrors.Failure(connection, answer.Status(), HubSpotErrors.Parse(answer.ErrorContent()));
        }

        foreach (var (i, _) in answer.IsSuccessStatusCode ? [] : pairs)
        {
            outcomes[i] = RecordOutcome.Retryable($"associating with {target.ObjectType} failed: {HubSpotErrors.Describe(HubSpotErrors.Parse(answer.ErrorContent()), answer.Status())}");
        }
    }
}
