namespace ReverseEtl.Abstractions.State;

/// <summary>
/// A state store: one database holding the record state, the schema columns, the run journal and the sync locks.
/// Consumers depend on the part they use; the store is registered as each of them.
/// </summary>
/// <remarks>Thread-safe. Each method is atomic.</remarks>
public interface ISyncStateStore : IRecordStateStore, ISchemaColumnStore, IRunJournal, ISyncLock, IDeliveryLog, IHeldPlans, IFailureStore, IAlertStates, IRecordLog
{
    /// <summary>Creates or upgrades the store's tables.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Opens a connection and runs the cheapest statement: throws when the store does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
