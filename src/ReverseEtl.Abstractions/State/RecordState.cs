namespace ReverseEtl.Abstractions.State;

/// <summary>
/// What the sync last delivered for a key: the payload hash, whether the row matched the sync's condition, and (for a
/// diff in the warehouse) the warehouse's hash of the whole row, 0 when unknown.
/// </summary>
public readonly record struct RecordState(ulong Hash, bool Matched, ulong RowHash = 0);

/// <summary>A key's new state, or its removal when <see cref="State"/> is null.</summary>
public sealed record StateUpdate(string Key, RecordState? State, string? DestinationId = null);
