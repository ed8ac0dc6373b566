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
}
