using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>What a change asks of the destination, by the sync's mode and trigger: the rules that run and plan share.</summary>
public static class Decisions
{
    /// <summary>A send (and why), or null when the change needs nothing but a state update.</summary>
    public static RecordAction? Decide(SyncDefinition sync, RowChange change)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind == ChangeKind.Removed)
        {
            return sync.Mode == SyncMode.Mirror ? RecordAction.Delete : null;
        }

        switch (sync.Mode)
        {
            case SyncMode.Upsert or SyncMode.UpdateOnly or SyncMode.Mirror:
                return change.Kind == ChangeKind.Added ? RecordAction.Enter : RecordAction.Change;
            case SyncMode.CreateOnly:
                return change.Kind == ChangeKind.Added ? RecordAction.Enter : null;
        }

        if (change.Entered && sync.Trigger.On.Contains(RecordAction.Enter))
        {
            return RecordAction.Enter;
        }

        return change.ChangedWhileMatching && sync.Trigger.On.Contains(RecordAction.Change) ? RecordAction.Change : null;
    }

    /// <summary>The state a change leaves behind once it is delivered, or when nothing is sent for it: its row's, or none for a removed key.</summary>
    public static StateUpdate Settled(RowChange change, string? destinationId = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Row is { } row
            ? new StateUpdate(change.Key, new RecordState(row.Hash, change.IsMatching, row.RowHash), destinationId)
            : new StateUpdate(change.Key, null, destinationId);
    }
}
