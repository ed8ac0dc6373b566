using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>A batch on its way: the inputs to send (one per id) and the outcome of every record given.</summary>
internal sealed class HubSpotBatch
{
    private readonly Dictionary<int, int> _supersededBy = [];

    private HubSpotBatch(int count)
    {
        Outcomes = new RecordOutcome?[count];
        Inputs = new List<Pending>(count);
    }

    public List<Pending> Inputs { get; }

    public RecordOutcome?[] Outcomes { get; }

    /// <summary>Builds the inputs: a record with no id fails at once; of records sharing an id, the last is sent for all.</summary>
    public static HubSpotBatch Prepare(IReadOnlyList<SyncRecord> records, HubSpotSyncOptions options, SyncMode mode)
    {
        var batch = new HubSpotBatch(records.Count);
        var byId = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var properties = HubSpotPropertyValues.Of(records[i].Payload, options.Associate?.Field);
            var id = mode == SyncMode.CreateOnly ? records[i].Key : properties.GetValueOrDefault(options.IdProperty, string.Empty);
            if (id.Length == 0)
            {
                batch.Outcomes[i] = RecordOutcome.Permanent($"the id property '{options.IdProperty}' is empty or not among the sync's fields");
                continue;
            }

            if (byId.TryGetValue(id, out var earlier))
            {
                batch._supersededBy[earlier] = i;
                batch.Inputs.RemoveAt(batch.Inputs.FindIndex(IndexIs(earlier)));
            }

            byId[id] = i;
            batch.Inputs.Add(new Pending(i, new HubSpotUpsertInput(id, options.IdProperty, properties, records[i].Key)));
        }

        return batch;
    }

    // Made only for a record that supersedes another: a lambda in Prepare's loop would capture 'earlier' in an object
    // made for every record.
    private static Predicate<Pending> IndexIs(int index) => p => p.Index == index;

    /// <summary>Reads a 200 or 207: results by objectWriteTraceId, errors by trace id or by the ids in their context.</summary>
    public static void Map(HubSpotWriteResult result, IReadOnlyList<Pending> inputs, RecordOutcome?[] outcomes)
    {
        var byTrace = new Dictionary<string, int>(inputs.Count, StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            byTrace.Add(input.Input.ObjectWriteTraceId, input.Index); // a key is in a batch once: a second would be a bug
        }

        foreach (var record in result.Results ?? [])
        {
            if (record.ObjectWriteTraceId is { } trace && byTrace.TryGetValue(trace, out var index))
            {
                outcomes[index] = RecordOutcome.Sent(record.Id);
            }
        }

        // By id only for an answer with errors (a 207): most answers have none, and a first run reads 10,000.
        var byId = result.Errors is { Count: > 0 }
            ? inputs.GroupBy(p => p.Input.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Index, StringComparer.Ordinal)
            : [];
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
