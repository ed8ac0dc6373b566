using System.Runtime.CompilerServices;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// A warehouse whose bucket query (<c>diff: warehouse</c>'s first step) fails with <see cref="Failure"/>, or else holds
/// until its token is cancelled and then reports it as an error of its own, as a remote warehouse may; it notes both.
/// </summary>
internal sealed class StalledBucketsWarehouse : ScriptedBucketsWarehouse
{
    private readonly EventNotes _notes = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Failure { get; init; }

    /// <summary>What the query waits for before it fails with <see cref="Failure"/>.</summary>
    public Task FailAfter { get; init; } = Task.CompletedTask;

    /// <summary>Done once the bucket query was asked for.</summary>
    public Task Started => _started.Task;

    public List<string> Events => _notes.All;

    public override async Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken)
    {
        _notes.Note("bucket query started");
        _started.TrySetResult();
        await Task.Yield();
        if (Failure is not null)
        {
            await FailAfter.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            throw Failure;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _notes.Note("bucket query stopped");
            throw new WarehouseException("query 01b2 was cancelled"); // not the comparison's cause
        }

        throw new InvalidOperationException("unreachable: an infinite delay ended");
    }
}

/// <summary>
/// Stored records, as many as <see cref="Count"/> says, whose read gives two keys then, once <paramref name="failAfter"/>
/// is done, fails with <paramref name="failure"/>; or else holds until its token is cancelled (noted).
/// </summary>
internal sealed class StalledRecords(Exception? failure, Task? failAfter = null) : SavedRecords
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override long Count => 40;

    /// <summary>Done once the read saw its token cancelled.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Done once the read began.</summary>
    public Task Started => _started.Task;

    public override async IAsyncEnumerable<StoredRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        yield return new StoredRecord("ключ 1", new RecordState(1, true, 0x1234567890abcdef));
        yield return new StoredRecord("ü 2 🙂", new RecordState(2, false, 0xfedcba0987654321));
        if (failure is not null)
        {
            await (failAfter ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            throw failure;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public override Task<Dictionary<string, RecordState>> FindAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<string, RecordState>(StringComparer.Ordinal));
}
