using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>
/// The records of a <see cref="MemoryStateStore"/> behind a gate: each <see cref="ApplyAsync"/> is noted (its keys, its
/// token), waits until the test opens the gate, then stores, or throws <see cref="Failure"/> when one is set.
/// </summary>
internal sealed class GatedStore(MemoryStateStore inner) : IRecordStateStore, IDisposable
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _entered = new(0);
    private readonly List<List<string>> _calls = [];
    private readonly List<CancellationToken> _tokens = [];
    private volatile bool _threw;

    public Exception? Failure { get; init; }

    /// <summary>Whether a store threw <see cref="Failure"/>.</summary>
    public bool Threw => _threw;

    /// <summary>The keys of each call, in order.</summary>
    public List<List<string>> Calls
    {
        get
        {
            lock (_calls)
            {
                return _calls.ConvertAll(c => c.ToList());
            }
        }
    }

    public List<CancellationToken> Tokens
    {
        get
        {
            lock (_calls)
            {
                return [.. _tokens];
            }
        }
    }

    public void Open() => _open.TrySetResult();

    /// <summary>Waits until this many calls began.</summary>
    public async Task EnteredAsync(int calls)
    {
        while (Calls.Count < calls)
        {
            Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(30)), $"the store was never called {calls} times");
        }
    }

    public async Task ApplyAsync(string sync, IReadOnlyCollection<StateUpdate> updates, CancellationToken cancellationToken)
    {
        lock (_calls)
        {
            _calls.Add(updates.Select(u => u.Key).ToList());
            _tokens.Add(cancellationToken);
        }

        _entered.Release();
        await _open.Task;
        if (Failure is { } failure)
        {
            _threw = true;
            throw failure;
        }

        await inner.ApplyAsync(sync, updates, cancellationToken);
    }

    public Task<Dictionary<string, RecordState>> LoadRecordsAsync(string sync, CancellationToken cancellationToken) => inner.LoadRecordsAsync(sync, cancellationToken);

    public IAsyncEnumerable<StoredRecord> ReadRecordsAsync(string sync, CancellationToken cancellationToken) => inner.ReadRecordsAsync(sync, cancellationToken);

    public Task<Dictionary<string, RecordState>> FindRecordsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.FindRecordsAsync(sync, keys, cancellationToken);

    public Task<Dictionary<string, string>> LoadDestinationIdsAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.LoadDestinationIdsAsync(sync, keys, cancellationToken);

    public void Dispose() => _entered.Dispose();
}
