namespace ReverseEtl.Core.Diff;

/// <summary>
/// What the sync last delivered for a key: the payload hash, whether the row matched the sync's condition, and (for a
/// diff in the warehouse) the warehouse's hash of the whole row, 0 when unknown.
/// </summary>
public readonly record struct RecordState(ulong Hash, bool Matched, ulong RowHash = 0);

/// <summary>A model row after mapping: its key (or why it has none), whether it matches, its payload and hash.</summary>
public sealed record MappedRow(long Number, string? Key, string? KeyProblem, bool Matches, ulong Hash, IReadOnlyDictionary<string, object?> Payload)
{
    /// <summary>The warehouse's hash of the whole row, for a diff in the warehouse; 0 otherwise.</summary>
    public ulong RowHash { get; init; }
}

/// <summary>Something the diff found.</summary>
public abstract record DiffEvent;

/// <summary>A row that cannot be synced, and why (null key, duplicate key).</summary>
public sealed record RowRejected(long RowNumber, string? Key, string Reason) : DiffEvent;

/// <summary>How a key differs from the state.</summary>
public enum ChangeKind
{
    /// <summary>The key is not in the state.</summary>
    Added,

    /// <summary>The payload or the match changed.</summary>
    Changed,

    /// <summary>The key is in the state but no longer in the model.</summary>
    Removed,
}

/// <summary>A key whose row differs from the state. <see cref="Row"/> is null for <see cref="ChangeKind.Removed"/>.</summary>
public sealed record RowChange(string Key, ChangeKind Kind, bool WasMatching, bool IsMatching, MappedRow? Row) : DiffEvent
{
    /// <summary>The row starts matching the condition (a new row that matches counts).</summary>
    public bool Entered => IsMatching && !WasMatching;

    /// <summary>The row stops matching, or disappears while matching.</summary>
    public bool Exited => WasMatching && !IsMatching;

    /// <summary>The row changed and matches both before and now.</summary>
    public bool ChangedWhileMatching => Kind == ChangeKind.Changed && WasMatching && IsMatching;
}

/// <summary>A row whose warehouse hash changed while its payload did not (an unmapped column changed): only the stored row hash moves.</summary>
public sealed record RowRehashed(string Key, RecordState State) : DiffEvent;
