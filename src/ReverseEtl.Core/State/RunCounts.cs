namespace ReverseEtl.Core.State;

/// <summary>The counts of one run.</summary>
public sealed class RunCounts
{
    public long RowsRead { get; set; }

    /// <summary>For a diff in the warehouse: how many full rows were fetched (the new or changed ones).</summary>
    public long RowsFetched { get; set; }

    /// <summary>How many keys the sync's state held when the run started.</summary>
    public long Held { get; set; }

    public long Rejected { get; set; }

    public long Added { get; set; }

    public long Changed { get; set; }

    public long Removed { get; set; }

    public long Sent { get; set; }

    public long Failed { get; set; }

    public override string ToString() =>
        $"{RowsRead} rows read, {Added} added, {Changed} changed, {Removed} removed, {Rejected} rejected; {Sent} sent, {Failed} failed";
}
