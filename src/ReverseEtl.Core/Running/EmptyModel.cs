using System.Globalization;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A model that returned no rows while the sync holds records is more often broken (an emptied table, a bad deploy)
/// than right: nothing is removed or deleted until <c>approve</c> says it is right.
/// </summary>
internal static class EmptyModel
{
    public const string Kind = "removals";

    /// <summary>Whether this run holds back the removal of a key: the model returned no rows, and no approval lets it through.</summary>
    public static bool Holds(SyncRunContext context, ChangeSource source) =>
        source.ModelEmpty && context.Saved.Held > 0 && !context.Saved.Approvals.ContainsKey(Kind);

    public static HeldPlan Held(SyncRunContext context, long removals) =>
        new(Kind, removals, 0, string.Create(CultureInfo.InvariantCulture,
            $"the model returned no rows, so all {removals} records the sync holds would be removed; nothing was removed or deleted. If the model is right, `approve --sync {context.Sync.Name}` to remove them on the next run"))
        {
            RunId = context.RunId,
        };
}
