using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// <c>create_only</c>: a create whose earlier attempt has no known outcome (no answer, a stop, the process killed) may
/// have been applied, and a second create would make a second record. So those records are first searched for by the
/// sync's <c>id_property</c> (CRM search, <c>IN</c>, at most <see cref="ValuesPerSearch"/> values a call, in lower case
/// as HubSpot asks for strings, matched without regard to case); a record found counts as sent with the found id, and only
/// the rest are created. Without an <c>id_property</c> value there is nothing to search by: the record fails
/// permanently rather than risk a second record. At most <see cref="MaxPages"/> pages of <see cref="PageSize"/> results
/// are read per call. HubSpot's search lags writes by a few seconds, so a create from a run that died moments ago
/// may not be found yet.
/// </summary>
internal sealed class HubSpotUnsureCreates(string connection, IHubSpotApi api, HubSpotSyncOptions options)
{
    public const int ValuesPerSearch = 100;
    public const int PageSize = 200;
    public const int MaxPages = 5;

    /// <summary>Settles the batch's records of unknown outcome that exist already (or cannot be checked): their outcomes set, their inputs taken out.</summary>
    public async Task SettleAsync(IReadOnlyList<SyncRecord> records, HubSpotBatch batch, CancellationToken cancellationToken)
    {
        var byValue = new Dictionary<string, List<HubSpotBatch.Pending>>(StringComparer.OrdinalIgnoreCase);
        foreach (var pending in batch.Inputs.Where(p => records[p.Index].UnsureSince is not null).ToList())
        {
            var value = options.IdProperty.Length == 0 ? string.Empty : pending.Input.Properties.GetValueOrDefault(options.IdProperty, string.Empty);
            if (value.Length == 0)
            {
                Settle(batch, pending, RecordOutcome.Permanent(
                    $"an earlier create of this record has no known outcome and it cannot be looked for: {(options.IdProperty.Length == 0 ? "the sync names no id_property" : $"its id_property '{options.IdProperty}' is empty or not among the sync's fields")}; "
                    + "it was not created again. Set id_property to a unique property the sync writes, or check HubSpot for the record, then retry or skip it"));
                continue;
            }

            (byValue.TryGetValue(value, out var same) ? same : byValue[value] = []).Add(pending);
        }

        foreach (var chunk in byValue.Keys.Chunk(ValuesPerSearch))
        {
            var (found, complete) = await SearchAsync(chunk, cancellationToken);
            foreach (var value in chunk)
            {
                var outcome = found.TryGetValue(value, out var id) ? RecordOutcome.Sent(id)
                    : complete ? null
                    : RecordOutcome.Permanent($"an earlier create of this record has no known outcome, and the search for {options.IdProperty} '{value}' found more than {MaxPages * PageSize} records; it was not created again. Check HubSpot, then retry or skip it");
                byValue[value].ForEach(p => Settle(batch, p, outcome));
            }
        }
    }

    private static void Settle(HubSpotBatch batch, HubSpotBatch.Pending pending, RecordOutcome? outcome)
    {
        if (outcome is not null)
        {
            batch.Outcomes[pending.Index] = outcome;
            batch.Inputs.Remove(pending);
        }
    }

    private async Task<(Dictionary<string, string> Found, bool Complete)> SearchAsync(string[] values, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var filter = new HubSpotFilterGroup([new HubSpotFilter(options.IdProperty, "IN", values.Select(v => v.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList())]);
        var after = "0";
        for (var page = 0; page < MaxPages; page++)
        {
            var input = new HubSpotSearchInput([filter], [options.IdProperty], [], PageSize, after);
            var answer = await api.SearchAsync(options.ObjectType, input, cancellationToken).ReceivedAsync("HubSpot", connection);
            if (!answer.IsSuccessStatusCode)
            {
                throw HubSpotErrors.Failure(connection, answer.Status(), HubSpotErrors.Parse(answer.ErrorContent()));
            }

            foreach (var result in answer.Content?.Results ?? [])
            {
                if (result.Properties?.GetValueOrDefault(options.IdProperty) is { } value)
                {
                    found.TryAdd(value, result.Id);
                }
            }

            if (answer.Content?.Paging?.Next?.After is not { Length: > 0 } next)
            {
                return (found, true);
            }

            after = next;
        }

        return (found, false);
    }
}
