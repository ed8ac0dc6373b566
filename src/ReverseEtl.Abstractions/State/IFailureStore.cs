namespace ReverseEtl.Abstractions.State;

/// <summary>
/// The records a sync's destination did not take, and what an operator can do about them: list them, send them again,
/// skip them, or forget everything the sync delivered.
/// </summary>
public interface IFailureStore
{
    /// <summary>Keys rejected permanently, with the hash of the payload rejected: they are not sent again until their row changes.</summary>
    Task<IReadOnlyDictionary<string, ulong>> LoadParkedAsync(string sync, CancellationToken cancellationToken);

    /// <summary>The sync's failing records, latest first, at most <paramref name="limit"/>; and how many there are in all.</summary>
    Task<(IReadOnlyList<FailingRecord> Records, int Total)> ListFailuresAsync(string sync, int limit, CancellationToken cancellationToken);

    /// <summary>Unparks the failing records (one key, or all when null): the next run sends them again. Returns how many.</summary>
    Task<int> RetryAsync(string sync, string? key, CancellationToken cancellationToken);

    /// <summary>
    /// Records failing records (one key, or all when null) as delivered, without sending: they are sent again only when
    /// their row changes. Returns how many.
    /// </summary>
    Task<int> SkipAsync(string sync, string? key, CancellationToken cancellationToken);

    /// <summary>Forgets every record the sync delivered, its failures and its columns; its runs stay. Returns how many records.</summary>
    Task<int> ResetAsync(string sync, CancellationToken cancellationToken);
}

/// <summary>A record the destination did not take.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Attempts">How many runs tried it.</param>
/// <param name="FirstFailedAt">When it first failed.</param>
/// <param name="LastFailedAt">When it last failed.</param>
/// <param name="Parked">Rejected permanently: not sent again until its row changes or <c>retry</c>.</param>
/// <param name="Message">The vendor's last message.</param>
public sealed record FailingRecord(string Key, int Attempts, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, bool Parked, string Message);
