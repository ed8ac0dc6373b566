using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Diff;

/// <summary>A model row after mapping: its key (or why it has none), whether it matches, its payload and hash.</summary>
public sealed record MappedRow(long Number, string? Key, string? KeyProblem, bool Matches, ulong Hash, IReadOnlyDictionary<string, object?> Payload)
{
    /// <summary>The warehouse's hash of the whole row, for a diff in the warehouse; 0 otherwise.</summary>
    public ulong RowHash { get; init; }
}

/// <summary>
/// Something reading a sync's model found, in the order found. A closed set, matched with <c>switch</c>:
/// <see cref="RowRejected"/>, <see cref="RowChange"/>, <see cref="RowRehashed"/> and <see cref="ColumnsChanged"/>.
/// </summary>
public abstract record DiffEvent
{
    private protected DiffEvent()
    {
    }
}

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

/// <summary>
/// The columns the sync reads (lower-case name to warehouse type) differ from those saved by its last run (its first
/// run, a column added or dropped, or a type change accepted): the runner saves them; a plan does not.
/// </summary>
public sealed record ColumnsChanged(IReadOnlyDictionary<string, string> Columns) : DiffEvent;
