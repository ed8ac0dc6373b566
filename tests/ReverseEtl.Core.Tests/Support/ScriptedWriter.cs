using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// A writer (one batch at a time) that answers on the thread pool, as a request would: each record by
/// <see cref="Answer"/>, a whole batch by an exception from <see cref="Fails"/>, every record deferred once stopped.
/// </summary>
internal sealed class ScriptedWriter : ISyncWriter
{
    private readonly List<List<string>> _batches = [];

    public Func<SyncRecord, RecordOutcome> Answer { get; init; } = r => RecordOutcome.Sent($"id-{r.Key}");

    /// <summary>Called with the batch's index as it goes (before its answer, before a stop is looked at).</summary>
    public Action<int> BeforeBatch { get; set; } = _ => { };

    /// <summary>The batches (by index) that fail as a whole.</summary>
    public Dictionary<int, Exception> Fails { get; } = [];

    public int Count
    {
        get
        {
            lock (_batches)
            {
                return _batches.Count;
            }
        }
    }

    public List<List<string>> Batches
    {
        get
        {
            lock (_batches)
            {
                return _batches.ConvertAll(b => b.ToList());
            }
        }
    }

    public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        await Task.Yield();
        int index;
        lock (_batches)
        {
            index = _batches.Count;
            _batches.Add(records.Select(r => r.Key).ToList());
        }

        BeforeBatch(index);
        if (Fails.TryGetValue(index, out var failure))
        {
            throw failure;
        }

        return cancellationToken.IsCancellationRequested
            ? records.Select(_ => new RecordOutcome(OutcomeStatus.Deferred)).ToList()
            : records.Select(Answer).ToList();
    }

    public JsonNode Preview(SyncRecord record) => new JsonObject { ["key"] = record.Key };
}
