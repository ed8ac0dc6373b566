namespace ReverseEtl.Abstractions.State;

/// <summary>
/// The write-ahead log of sends: each record is logged before its batch goes out and cleared once its outcome is known
/// (<see cref="IRecordStateStore.ApplyAsync"/> clears it too). An entry left behind means an attempt whose outcome is
/// unknown (no answer, a stop, the process killed): the next send of the same change says so to the destination.
/// </summary>
public interface IDeliveryLog
{
    /// <summary>The sends of <paramref name="sync"/> whose outcome is unknown, by key.</summary>
    Task<Dictionary<string, PendingSend>> LoadPendingAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Logs sends about to go out (replacing any earlier entry of the same key).</summary>
    Task RecordPendingAsync(string sync, long runId, IReadOnlyCollection<PendingSend> sends, CancellationToken cancellationToken);

    /// <summary>Clears the entries of sends whose outcome is now known.</summary>
    Task ClearPendingAsync(string sync, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);
}

/// <summary>A send about to go out, or one whose outcome is unknown.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Action">Why it is sent.</param>
/// <param name="Hash">The hash of the payload sent.</param>
/// <param name="AttemptedAt">When the attempt started.</param>
public sealed record PendingSend(string Key, RecordAction Action, ulong Hash, DateTimeOffset AttemptedAt);
