using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>The diff's counts for one run or plan: keys added, changed and removed, rows rejected.</summary>
internal sealed class ChangeTally
{
    public long Added { get; private set; }

    public long Changed { get; private set; }

    public long Removed { get; private set; }

    public long Rejected { get; private set; }

    public long Baselined { get; private set; }

    public long Parked { get; private set; }

    /// <summary>Counts the change; on a baseline run, also whether it would have been sent.</summary>
    public void Count(RowChange change, SyncRunContext context)
    {
        if (context.Baseline && Decisions.Decide(context.Sync, change) is not null)
        {
            Baselined++;
        }

        if (context.Parks(change))
        {
            Parked++;
        }

        switch (change.Kind)
        {
            case ChangeKind.Added: Added++; break;
            case ChangeKind.Changed: Changed++; break;
            default: Removed++; break;
        }
    }

    public void Reject() => Rejected++;

    /// <summary>The counts of reading and diffing: what <paramref name="source"/> read with what this tally counted.</summary>
    public RunCounts Counts(ChangeSource source) => new()
    {
        RowsRead = source.RowsRead,
        RowsFetched = source.RowsFetched,
        KeysRead = source.KeysRead,
        BucketsRead = source.BucketsRead,
        Held = source.Held,
        Rejected = Rejected,
        Added = Added,
        Changed = Changed,
        Removed = Removed,
        Baselined = Baselined,
        Parked = Parked,
    };
}
