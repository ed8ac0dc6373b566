using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The deletes of a mirror sync: the keys that left the model, known only once the last row was read, sent after every
/// write with the destination id recorded when each record was written. Past the sync's <c>delete_limit_percent</c> of
/// the records it holds, nothing is deleted and the run stops: an emptied or broken model must not empty the destination.
/// </summary>
internal sealed class MirrorDeletes(SyncRunContext context, IRecordStateStore records)
{
    private const int IdLookup = 500;
    private readonly List<RowChange> _removed = [];

    public void Add(RowChange change) => _removed.Add(change);

    public async Task SendAsync(Outbound outbound, long held, CancellationToken cancellationToken)
    {
        if (_removed.Count == 0)
        {
            return;
        }

        var sync = context.Sync;
        var percent = held == 0 ? 100 : _removed.Count * 100.0 / held;
        if (percent > sync.DeleteLimitPercent)
        {
            throw new SyncGuardException(string.Create(CultureInfo.InvariantCulture,
                $"sync '{sync.Name}': the mirror would delete {_removed.Count} of the {held} records it holds ({percent:0.#}%), more than delete_limit_percent {sync.DeleteLimitPercent:0.#}; nothing was deleted. If the model is right, raise delete_limit_percent for a run"));
        }

        foreach (var chunk in _removed.Chunk(IdLookup))
        {
            var ids = await records.LoadDestinationIdsAsync(sync.Name, chunk.Select(c => c.Key).ToList(), cancellationToken);
            foreach (var change in chunk)
            {
                var record = new SyncRecord(change.Key, RecordAction.Delete, new Dictionary<string, object?>()) { DestinationId = ids.GetValueOrDefault(change.Key) };
                await outbound.AddAsync(change, record, cancellationToken);
            }
        }

        await outbound.FlushAsync(cancellationToken);
    }
}
