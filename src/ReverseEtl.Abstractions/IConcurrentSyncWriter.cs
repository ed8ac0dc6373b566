namespace ReverseEtl.Abstractions;

/// <summary>A writer that takes several batches of one run at once, to keep enough requests in flight to fill the vendor's window.</summary>
/// <remarks>
/// The run sends its first batch alone (a writer may set things up on it), then calls <see cref="ISyncWriter.WriteAsync"/>
/// up to <see cref="MaxConcurrentBatches"/> times at once, with no key in two of those batches. Each call keeps the
/// contract of <see cref="ISyncWriter"/>: one outcome per record, or <see cref="DestinationException"/> for the whole
/// batch. The vendor's pace is kept by the HTTP pipeline, whatever the count.
/// </remarks>
public interface IConcurrentSyncWriter : ISyncWriter
{
    /// <summary>How many batches may be in flight at once (the run bounds it too).</summary>
    int MaxConcurrentBatches { get; }

    /// <summary>
    /// The most records one batch of this writer should carry, within the destination's batch size (null: that size). A
    /// writer that answers a batch's records one call at a time keeps its batches small: the run stores a batch once all
    /// of it is answered, and a crash sends again what was answered and not yet stored.
    /// </summary>
    int? MaxBatchSize => null;

    /// <summary>
    /// The vendor's record that <paramref name="record"/> writes where rows of other keys may write the same one (HubSpot's
    /// id property, Salesforce's external id), as text; null where only the key names it. The run never has one identity
    /// (compared ignoring case) in two batches in flight, so that of two rows writing one vendor record the later is
    /// written last, as within a batch.
    /// </summary>
    string? IdentityOf(SyncRecord record) => null;
}
