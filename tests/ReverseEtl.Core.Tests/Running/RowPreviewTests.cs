using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Running;

/// <summary><c>plan --all</c> and <c>plan --key</c>: current rows rendered as a first send would be, even when nothing changed.</summary>
public sealed class RowPreviewTests
{
    [Fact]
    public async Task Preview_AfterARun_RendersEveryRowButTheOnesThatDoNotMatch_StoresNothing()
    {
        var kit = new RunKit("mode: trigger, trigger: { initial: send }", Row("a", "Zoë", matches: true), Row("b", null, matches: false), Row("", "rejected"), Row("c", new string('字', 2_000), matches: true));
        await kit.RunAsync();
        kit.State.Writes.Clear();

        var all = await Preview(kit, key: null, limit: 10);
        var one = await Preview(kit, key: "c", limit: 10);
        var first = await Preview(kit, key: null, limit: 1);

        Assert.Equal([("a", (RecordAction?)RecordAction.Enter), ("b", null), ("c", RecordAction.Enter)], all.Select(p => (p.Key, p.Action)));
        Assert.Equal("does not match trigger.when: a run sends nothing for it", all[1].Note);
        Assert.Equal("""{"key":"a","action":"Enter"}""", all[0].Body!.ToJsonString());
        Assert.Equal(["c"], one.Select(p => p.Key));
        Assert.Equal(["a"], first.Select(p => p.Key));
        Assert.Empty(kit.State.Writes);
    }

    private static Task<IReadOnlyList<RowPreview>> Preview(RunKit kit, string? key, int limit) =>
        new SyncPlanner(kit.State, kit.Log.For<SyncPlanner>()).PreviewAsync(kit.Runtime, kit.Sync, key, limit, CancellationToken.None);
}
