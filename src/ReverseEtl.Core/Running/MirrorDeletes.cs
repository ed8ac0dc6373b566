using System.Globalization;
using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The deletes of a mirror sync: the keys that left the model, known only once the last row was read, sent after every
/// write with the destination id recorded when each record was written. Past the sync's <c>delete_limit_percent</c> of
/// the records it holds (<c>limits.deletes</c>), nothing is deleted and the plan is held: an emptied or broken model must not empty the destination.
/// </summary>
internal sealed class MirrorDeletes(SyncRunContext context, IRecordStateStore records)
{
    private const int IdLookup = 500;
    private readonly List<RowChange> _removed = [];

    public void Add(RowChange change) => _removed.Add(change);

    /// <summary>Sends the deletes, or none of them and returns the held plan when they pass <c>limits.deletes</c>.</summary>
    public async Task<HeldPlan?> SendAsync(Outbound outbound, CancellationToken cancellationToken)
    {
        if (_removed.Count == 0)
        {
            return null;
        }

        var sync = context.Sync;
        // An approved empty model (removals) lets its deletes through as well.
        var held = context.Saved.Held;
        var allowed = Math.Max(SendGuard.Allowed(context, SendKind.Deletes), context.Saved.Approvals.GetValueOrDefault(EmptyModel.Kind));
        if (_removed.Count > allowed)
        {
            _removed.ForEach(r => context.Book.Note(r, RecordAction.Delete, "held", $"more deletes than limits.deletes allow; `approve --sync {sync.Name}` deletes them", decision: "held"));
            var limit = sync.Limits.For(SendKind.Deletes, context.Saved.FirstRun).Describe(held);
            return new HeldPlan("deletes", _removed.Count, allowed, string.Create(CultureInfo.InvariantCulture,
                $"the mirror would delete {_removed.Count} of the {held} records it holds, more than limits.deletes ({limit}); nothing was deleted. If the model is right, `approve --sync {sync.Name}` to delete them on the next run"))
            {
                RunId = context.RunId,
                Samples = _removed.Take(5).Select(r => r.Key).ToList(),
            };
        }

        foreach (var chunk in _removed.Chunk(IdLookup))
        {
            var ids = await records.LoadDestinationIdsAsync(sync.Name, chunk.Select(c => c.Key).ToList(), cancellationToken);
            foreach (var change in chunk)
            {
                var id = ids.GetValueOrDefault(change.Key);
                var record = new SyncRecord(change.Key, RecordAction.Delete, id is null ? KeyFields(change.Key) : []) { DestinationId = id };
                await outbound.AddAsync(change, record, cancellationToken);
            }
        }

        await outbound.FlushAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// A delete with no vendor id recorded (its write's answer was lost) carries the mapped fields taken from the primary
    /// key, as text, so that a writer can find the record by them (HubSpot by its id property).
    /// </summary>
    private Dictionary<string, object?> KeyFields(string key)
    {
        var columns = context.Model.PrimaryKey;
        var parts = columns.Count == 1 ? [key] : JsonSerializer.Deserialize<string[]>(key) ?? [];
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(columns.Count, parts.Length); i++)
        {
            var column = columns[i];
            foreach (var field in context.Sync.Fields?.Where(f => f.Column.Equals(column, StringComparison.OrdinalIgnoreCase)).Select(f => f.Field) ?? [column])
            {
                fields[field] = parts[i];
            }
        }

        return fields;
    }
}
