using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What the state store held for a sync when its run or plan began: the state of each key and the columns read last
/// time. Reading a model works on this snapshot and never writes to the store. <see cref="Records"/> are read when the
/// diff asks (streamed in key order, or loaded whole), not held; <see cref="Held"/> is their count when it was loaded.
/// </summary>
public sealed record SavedState(SavedRecords Records, IReadOnlyDictionary<string, string> Columns)
{
    /// <summary>How many keys the state held when it was loaded.</summary>
    public long Held => Records.Count;

    /// <summary>No run of the sync has finished reading its model yet: a trigger sync's <c>initial</c> setting applies.</summary>
    public bool FirstRun { get; init; }

    /// <summary>Keys the destination rejected permanently, with the payload hash rejected: not sent again until it changes.</summary>
    public IReadOnlyDictionary<string, ulong> Parked { get; init; } = new Dictionary<string, ulong>();

    /// <summary>Approved held plans not used yet: the count of each kind the run may send past its limit.</summary>
    public IReadOnlyDictionary<string, long> Approvals { get; init; } = new Dictionary<string, long>();

    /// <summary>Sends whose outcome is unknown (see <see cref="IDeliveryLog"/>), by key; a plan leaves it empty.</summary>
    public IReadOnlyDictionary<string, PendingSend> Pending { get; init; } = new Dictionary<string, PendingSend>();

    /// <summary>What a plan starts from: the records, the columns, and whether it is the first run.</summary>
    public static async Task<SavedState> LoadAsync(ISyncStateStore state, string sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new SavedState(await SavedRecords.InStoreAsync(state, sync, cancellationToken), await state.LoadColumnsAsync(sync, cancellationToken))
        {
            FirstRun = !await state.HasCompletedRunAsync(sync, cancellationToken),
            Approvals = await state.LoadApprovalsAsync(sync, cancellationToken),
            Parked = await state.LoadParkedAsync(sync, cancellationToken),
        };
    }
}
