using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What the state store held for a sync when its run or plan began: the state of each key and the columns read last
/// time. Reading a model works on this snapshot and never on the store, so it cannot write. The diff consumes
/// <see cref="Records"/> (it removes each key it sees); <see cref="Held"/> keeps the count it started with.
/// </summary>
public sealed record SavedState(Dictionary<string, RecordState> Records, IReadOnlyDictionary<string, string> Columns)
{
    /// <summary>How many keys the state held when it was loaded.</summary>
    public long Held { get; } = Records.Count;

    /// <summary>Sends whose outcome is unknown (see <see cref="IDeliveryLog"/>), by key; a plan leaves it empty.</summary>
    public IReadOnlyDictionary<string, PendingSend> Pending { get; init; } = new Dictionary<string, PendingSend>();

    public static async Task<SavedState> LoadAsync(IRecordStateStore records, ISchemaColumnStore columns, string sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(columns);
        return new SavedState(await records.LoadRecordsAsync(sync, cancellationToken), await columns.LoadColumnsAsync(sync, cancellationToken));
    }
}
