using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// A state store in memory that records every write, so a test can tell what a run or plan stored. Writes take
/// <see cref="Gate"/>: a run stores answered batches on the thread pool while it logs the next ones.
/// </summary>
internal sealed partial class MemoryStateStore : ISyncStateStore
{
    /// <summary>Held by every write; a test that looks during a run takes it too.</summary>
    public Lock Gate { get; } = new();

    public Dictionary<string, RecordState> Records { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> DestinationIds { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Columns { get; set; } = new(StringComparer.Ordinal);

    public List<RecordFailure> Failures { get; } = [];

    public List<string> Writes { get; } = [];

    public RunResult? Finished { get; private set; }

    public Dictionary<string, PendingSend> Pending { get; } = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken) => Task.FromResult(new Dictionary<string, RecordState>(Records, StringComparer.Ordinal));

    public IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, CancellationToken cancellationToken) =>
        Records.OrderBy(r => r.Key, KeyOrder.Instance).Select(r => new StoredRecord(r.Key, r.Value)).ToAsyncEnumerable();

    public Task<Dictionary<string, RecordState>> FindRecordsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult(keys.Distinct(StringComparer.Ordinal).Where(Records.ContainsKey).ToDictionary(k => k, k => Records[k], StringComparer.Ordinal));

    public Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult(keys.Where(DestinationIds.ContainsKey).ToDictionary(k => k, k => DestinationIds[k], StringComparer.Ordinal));

    /// <summary>When set, reading the columns stored last time fails with it (a state that cannot be read).</summary>
    public Exception? ColumnsFail { get; set; }

    public Task<Dictionary<string, string>> LoadColumnsAsync(string sync, CancellationToken cancellationToken) =>
        ColumnsFail is { } failure ? Task.FromException<Dictionary<string, string>>(failure) : Task.FromResult(new Dictionary<string, string>(Columns, StringComparer.Ordinal));

    public Task SaveColumnsAsync(string sync, IReadOnlyDictionary<string, string> columns, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            Writes.Add($"columns {string.Join(",", columns.Keys.Order(StringComparer.Ordinal))}");
            Columns = new Dictionary<string, string>(columns, StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }

    public Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            foreach (var update in updates)
            {
                Writes.Add($"state {update.Key}");
                if (update.State is { } state)
                {
                    Records[update.Key] = state;
                }
                else
                {
                    Records.Remove(update.Key);
                }

                Pending.Remove(update.Key);
                if (update.DestinationId is { } id)
                {
                    DestinationIds[update.Key] = id;
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            Failures.AddRange(failures);
            Writes.AddRange(failures.Select(f => $"failure {f.Key}"));
        }

        return Task.CompletedTask;
    }

    public Task<Dictionary<string, PendingSend>> LoadPendingAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<string, PendingSend>(Pending, StringComparer.Ordinal));

    public Task RecordPendingAsync(string sync, long runId, IReadOnlyCollection<PendingSend> sends, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            foreach (var send in sends)
            {
                Writes.Add($"pending {send.Key}");
                Pending[send.Key] = send;
            }
        }

        return Task.CompletedTask;
    }

    public Task ClearPendingAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            foreach (var key in keys)
            {
                Pending.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public Task<UnsettledSends> MarkUnsettledAsync(string sync, bool addUnstored, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            var (marked, added) = (0L, 0L);
            foreach (var send in Pending.Values)
            {
                if (Records.TryGetValue(send.Key, out var held))
                {
                    if ((send.Action == RecordAction.Delete || send.Hash != held.Hash || !held.Matched) && (held.Hash != 0 || held.RowHash != 0))
                    {
                        Records[send.Key] = held with { Hash = 0, RowHash = 0 };
                        marked++;
                    }
                }
                else if (addUnstored && send.Action != RecordAction.Delete)
                {
                    Records[send.Key] = new RecordState(0, Matched: true);
                    added++;
                }
            }

            if (marked + added > 0)
            {
                Writes.Add($"unsettled {marked} {added}");
            }

            return Task.FromResult(new UnsettledSends(marked, added));
        }
    }

    /// <summary>Held plans with whether each was approved and the run that used the approval.</summary>
    public List<(HeldPlan Plan, bool Approved, long? UsedBy)> HeldPlans { get; } = [];

    public Task RecordHeldAsync(string sync, long runId, IReadOnlyCollection<HeldPlan> plans, CancellationToken cancellationToken)
    {
        HeldPlans.RemoveAll(h => !h.Approved);
        HeldPlans.AddRange(plans.Select(p => (p, false, (long?)null)));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HeldPlan>> LoadHeldAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HeldPlan>>(HeldPlans.Where(h => !h.Approved).Select(h => h.Plan).ToList());

    public async Task<IReadOnlyList<HeldPlan>> ApproveAsync(string sync, DateTimeOffset approvedAt, CancellationToken cancellationToken)
    {
        var waiting = await LoadHeldAsync(sync, cancellationToken);
        for (var i = 0; i < HeldPlans.Count; i++)
        {
            HeldPlans[i] = HeldPlans[i] with { Approved = true };
        }

        return waiting;
    }

    public Task<IReadOnlyDictionary<string, long>> LoadApprovalsAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(HeldPlans.Where(h => h.Approved && h.UsedBy is null)
            .GroupBy(h => h.Plan.Kind).ToDictionary(g => g.Key, g => g.Max(h => h.Plan.Count), StringComparer.Ordinal));

    public Task UseApprovalsAsync(string sync, long runId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        for (var i = 0; i < HeldPlans.Count; i++)
        {
            if (HeldPlans[i] is { Approved: true, UsedBy: null } h && kinds.Contains(h.Plan.Kind))
            {
                HeldPlans[i] = h with { UsedBy = runId };
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, ulong>> LoadParkedAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, ulong>>(Failures.GroupBy(f => f.Key).Select(g => g.Last())
            .Where(f => !f.Retryable && (f.Attempted is not null || f.Delete)).ToDictionary(f => f.Key, f => f.Attempted?.Hash ?? 0, StringComparer.Ordinal));

    public Task<(IReadOnlyList<FailingRecord> Records, int Total)> ListFailuresAsync(string sync, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("listed by the SQL stores; see StateStoreContractTests");

    public Task<int> RetryAsync(string sync, string? key, CancellationToken cancellationToken)
    {
        var chosen = Failures.Where(f => key is null || f.Key == key).ToList();
        Failures.RemoveAll(chosen.Contains);
        Failures.AddRange(chosen.Select(f => f with { Retryable = true }));
        return Task.FromResult(chosen.Select(f => f.Key).Distinct().Count());
    }

    public Task<int> SkipAsync(string sync, string? key, CancellationToken cancellationToken) =>
        throw new NotSupportedException("skipped by the SQL stores; see StateStoreContractTests");

    public Task<int> ResetAsync(string sync, CancellationToken cancellationToken)
    {
        var forgotten = Records.Count;
        Records.Clear();
        Failures.Clear();
        Pending.Clear();
        Columns.Clear();
        return Task.FromResult(forgotten);
    }

    public Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(new Unlock());

    public Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken) => Task.FromResult(7L);

    public Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken)
    {
        Finished = result;
        Completed |= result.Status is RunStatus.Succeeded or RunStatus.PartiallyFailed;
        return Task.CompletedTask;
    }

    /// <summary>Whether a run finished reading before (set it to test a first run's <c>initial</c> setting; a finished run sets it).</summary>
    public bool Completed { get; set; }

    public Task<bool> HasCompletedRunAsync(string sync, CancellationToken cancellationToken) => Task.FromResult(Completed);

    public Task<IReadOnlyList<SyncStatus>> GetHistoryAsync(string sync, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SyncStatus>>([]);

    public Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SyncStatus>>([]);

    /// <summary>The per-record log's entries, in the order written, with their run.</summary>
    public List<RecordLogEntry> Logged { get; } = [];

    /// <summary>The size of each append, in order.</summary>
    public List<int> Appends { get; } = [];

    /// <summary>Thrown by every append when set (a log that cannot be written: a locked database, a full disk).</summary>
    public Exception? AppendFails { get; set; }

    public Task AppendRecordLogAsync(string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        if (AppendFails is { } failure)
        {
            return Task.FromException(failure);
        }

        lock (Gate) // written on the thread pool while the run goes on
        {
            Appends.Add(entries.Count);
            Logged.AddRange(entries.Select(e => e with { RunId = runId }));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RecordLogEntry>> LoadRecordLogAsync(string sync, string key, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RecordLogEntry>>(Logged.Where(e => e.Key == key).Reverse().Take(limit).ToList());

    public Task<long> PruneRecordLogByAgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Task.FromResult((long)Logged.RemoveAll(e => e.At < before));

    public Task<long> PruneRecordLogAsync(string sync, DateTimeOffset before, long maxRows, CancellationToken cancellationToken) =>
        Task.FromResult((long)Logged.RemoveAll(e => e.At < before));

    private sealed class Unlock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
