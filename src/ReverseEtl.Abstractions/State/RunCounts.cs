namespace ReverseEtl.Abstractions.State;

/// <summary>The counts of one run, put together once by the runner from what each stage produced.</summary>
public sealed record RunCounts
{
    public long RowsRead { get; init; }

    /// <summary>
    /// For a diff in the warehouse: how many full rows were read (the new or changed ones fetched, or every row when read
    /// whole); for <c>diff: worker</c>, the rows read a second time, in key order, after its first read found key buckets that differ.
    /// </summary>
    public long RowsFetched { get; init; }

    /// <summary>For a diff in the warehouse: key + row-hash rows read (every key, or only those of buckets that differ; whole rows when every row is read whole).</summary>
    public long KeysRead { get; init; }

    /// <summary>For a diff in the warehouse by buckets of keys: the bucket sums read (one row per bucket).</summary>
    public long BucketsRead { get; init; }

    /// <summary>How many keys the sync's state held when the run started.</summary>
    public long Held { get; init; }

    public long Rejected { get; init; }

    public long Added { get; init; }

    public long Changed { get; init; }

    public long Removed { get; init; }

    public long Sent { get; init; }

    public long Failed { get; init; }

    /// <summary>On a trigger sync's first run with <c>initial: skip</c>: the records that matched and were recorded without sending.</summary>
    public long Baselined { get; init; }

    /// <summary>Records not sent because the destination rejected this same payload before (see <c>failures</c>, <c>retry</c>).</summary>
    public long Parked { get; init; }

    /// <summary>The records not sent (nor removed) because their kind passed the sync's limits: see the run's held plans.</summary>
    public long Withheld { get; init; }

    public override string ToString() =>
        $"{RowsRead} rows read, {Added} added, {Changed} changed, {Removed} removed, {Rejected} rejected; {Sent} sent, {Failed} failed"
        + (Baselined > 0 ? $"; {Baselined} matching recorded without sending (initial: skip)" : string.Empty)
        + (Parked > 0 ? $"; {Parked} parked after a rejection" : string.Empty)
        + (Withheld > 0 ? $"; {Withheld} held back by limits" : string.Empty);
}
