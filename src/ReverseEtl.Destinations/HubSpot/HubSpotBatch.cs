using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>A batch on its way: the inputs to send (one per id) and the outcome of every record given.</summary>
internal sealed class HubSpotBatch
{
    private readonly Dictionary<int, int> _supersededBy = [];

    private HubSpotBatch(int count) => Outcomes = new RecordOutcome?[count];

    public List<Pending> Inputs { get; } = [];

    public RecordOutcome?[] Outcomes { get; }

    /// <summary>Builds the inputs: a record with no id fails at once; of records sharing an id, the last is sent for all.</summary>
    public static HubSpotBatch Prepare(IReadOnlyList<SyncRecord> records, HubSpotSyncOptions options, SyncMode mode)
    {
        var batch = new HubSpotBatch(records.Count);
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var properties = Properties(records[i].Payload, options.Associate?.Field);
            var id = mode == SyncMode.CreateOnly ? records[i].Key : properties.GetValueOrDefault(options.IdProperty, string.Empty);
            if (id.Length == 0)
            {
                batch.Outcomes[i] = RecordOutcome.Permanent($"the id property '{options.IdProperty}' is empty or not among the sync's fields");
                continue;
            }

            if (byId.TryGetValue(id, out var earlier))
            {
                batch._supersededBy[earlier] = i;
                batch.Inputs.RemoveAll(p => p.Index == earlier);
            }

            byId[id] = i;
            batch.Inputs.Add(new Pending(i, new HubSpotUpsertInput(id, options.IdProperty, properties, records[i].Key)));
        }

        return batch;
    }

    // The record's properties as HubSpot's strings, but the field that only names an association.
    private static Dictionary<string, string> Properties(IReadOnlyDictionary<string, object?> payload, string? associate)
    {
        var properties = new Dictionary<string, string>(payload.Count, StringComparer.Ordinal);
        foreach (var (field, value) in payload)
        {
            if (field != associate)
            {
                properties.Add(field, HubSpotValues.Format(value));
            }
        }

        return properties;
    }

    /// <summary>Reads a 200 or 207: results by objectWriteTraceId, errors by trace id or by the ids in their context.</summary>
    public static void Map(HubSpotWriteResult result, IReadOnlyList<Pending> inputs, RecordOutcome?[] outcomes)
    {
        var byTrace = inputs.ToDictionary(p => p.Input.ObjectWriteTraceId, p => p.Index, StringComparer.Ordinal);
        var byId = inputs.GroupBy(p => p.Input.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Index, StringComparer.Ordinal);
        foreach (var record in result.Results ?? [])
        {
            if (record.ObjectWriteTraceId is { } trace && byTrace.TryGetValue(trace, out var index))
            {
                outcomes[index] = RecordOutcome.Sent(record.Id);
            }
        }

        foreach (var error in result.Errors ?? [])
        {
            var ids = error.Context?.GetValueOrDefault("ids") ?? [];
            var indexes = ids.Select(id => byId.TryGetValue(id, out var i) ? i : -1)
                .Append(error.ObjectWriteTraceId is { } t && byTrace.TryGetValue(t, out var ti) ? ti : -1)
                .Where(i => i >= 0);
            foreach (var index in indexes)
            {
                outcomes[index] = HubSpotErrors.IsTransientCategory(error.Category)
                    ? RecordOutcome.Retryable(HubSpotErrors.Describe(error, 207))
                    : RecordOutcome.Permanent(HubSpotErrors.Describe(error, 207));
            }
        }
    }

    /// <summary>Every record's outcome: a superseded record shares the outcome of the record that replaced it.</summary>
    public IReadOnlyList<RecordOutcome> Complete()
    {
        foreach (var (earlier, later) in _supersededBy.OrderByDescending(p => p.Key))
        {
            Outcomes[earlier] ??= Outcomes[Final(later)];
        }

        return Outcomes.Select(o => o ?? RecordOutcome.Retryable("HubSpot returned no result for this record")).ToList();
    }

    private int Final(int index) => _supersededBy.TryGetValue(index, out var later) ? Final(later) : index;

    /// <summary>An input and the position of its record in the batch given.</summary>
    public sealed record Pending(int Index, HubSpotUpsertInput Input);
}
