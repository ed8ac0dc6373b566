using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>A state store in memory that records every write, so a test can tell what a run or plan stored.</summary>
internal sealed class MemoryStateStore : ISyncStateStore
{
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

    public Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult(keys.Where(DestinationIds.ContainsKey).ToDictionary(k => k, k => DestinationIds[k], StringComparer.Ordinal));

    public Task<Dictionary<string, string>> LoadColumnsAsync(string sync, CancellationToken cancellationToken) => Task.FromResult(new Dictionary<string, string>(Columns, StringComparer.Ordinal));

    public Task SaveColumnsAsync(string sync, IReadOnlyDictionary<string, string> columns, CancellationToken cancellationToken)
    {
        Writes.Add($"columns {string.Join(",", columns.Keys.Order(StringComparer.Ordinal))}");
        Columns = new Dictionary<string, string>(columns, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
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

        return Task.CompletedTask;
    }

    public Task RecordFailuresAsync(string sync, long runId, IReadOnlyCollection<RecordFailure> failures, CancellationToken cancellationToken)
    {
        Failures.AddRange(failures);
        Writes.AddRange(failures.Select(f => $"failure {f.Key}"));
        return Task.CompletedTask;
    }

    public Task<Dictionary<string, PendingSend>> LoadPendingAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<string, PendingSend>(Pending, StringComparer.Ordinal));

    public Task RecordPendingAsync(string sync, long runId, IReadOnlyCollection<PendingSend> sends, CancellationToken cancellationToken)
    {
        foreach (var send in sends)
        {
            Writes.Add($"pending {send.Key}");
            Pending[send.Key] = send;
        }

        return Task.CompletedTask;
    }

    public Task ClearPendingAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            Pending.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable?>(new Unlock());

    public Task<long> StartRunAsync(string sync, DateTimeOffset startedAt, CancellationToken cancellationToken) => Task.FromResult(7L);

    public Task FinishRunAsync(long runId, RunResult result, CancellationToken cancellationToken)
    {
        Finished = result;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SyncStatus>> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<SyncStatus>>([]);

    private sealed class Unlock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
