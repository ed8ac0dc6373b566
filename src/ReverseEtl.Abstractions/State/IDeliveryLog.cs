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

    /// <summary>
    /// Marks as unknown (payload and row hash 0) the state of every key whose logged send differs from it: another
    /// payload, a write of a key held as not matching, or a delete of a key still held. The destination may hold either, so the next diff finds the key changed
    /// whatever its row now says, and it is sent again (or deleted) rather than left as the send in flight made it. With
    /// <paramref name="addUnstored"/> (a mirror sync, which deletes the records of rows that leave), a key not held whose
    /// logged send was not a delete is stored as unknown and matching, so that its row's leaving is a delete. The log is
    /// left as it is, so the next send of the same change still says it is unsure. One transaction.
    /// </summary>
    Task<UnsettledSends> MarkUnsettledAsync(string sync, bool addUnstored, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IDeliveryLog.MarkUnsettledAsync"/> did.</summary>
/// <param name="Marked">Keys held whose state was marked unknown.</param>
/// <param name="Added">Keys not held that were stored as unknown.</param>
public readonly record struct UnsettledSends(long Marked, long Added);

/// <summary>A send about to go out, or one whose outcome is unknown.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Action">Why it is sent.</param>
/// <param name="Hash">The hash of the payload sent.</param>
/// <param name="AttemptedAt">When the attempt started.</param>
public sealed record PendingSend(string Key, RecordAction Action, ulong Hash, DateTimeOffset AttemptedAt);
