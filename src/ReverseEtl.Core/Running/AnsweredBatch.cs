using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// One answered batch, sorted for storing: the state updates of its delivered records, its failures, the keys whose
/// write-ahead entry is cleared, and all its keys (in flight until <see cref="Stored"/> completes).
/// </summary>
internal sealed class AnsweredBatch(IReadOnlyList<StateUpdate> updates, IReadOnlyList<RecordFailure> failures, IReadOnlyList<string> cleared, IReadOnlyList<string> keys)
{
    private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<StateUpdate> Updates { get; } = updates;

    public IReadOnlyList<RecordFailure> Failures { get; } = failures;

    public IReadOnlyList<string> Cleared { get; } = cleared;

    public IReadOnlyList<string> Keys { get; } = keys;

    /// <summary>The vendor records its records write where the writer names them (<see cref="IConcurrentSyncWriter.IdentityOf"/>): in flight with its keys.</summary>
    public IReadOnlyList<string> Identities { get; init; } = [];

    /// <summary>Completes when the batch is stored; faults with the store's error when it could not be.</summary>
    public Task Stored => _stored.Task;

    public void Done() => _stored.TrySetResult();

    public void Fail(Exception exception) => _stored.TrySetException(exception);
}
