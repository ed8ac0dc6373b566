using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public class DecisionsTests
{
    [Theory]
    [InlineData("mode: upsert", ChangeKind.Added, RecordAction.Enter)]
    [InlineData("mode: upsert", ChangeKind.Changed, RecordAction.Change)]
    [InlineData("mode: upsert", ChangeKind.Removed, null)]
    [InlineData("mode: update_only", ChangeKind.Added, RecordAction.Enter)]
    [InlineData("mode: update_only", ChangeKind.Changed, RecordAction.Change)]
    [InlineData("mode: create_only", ChangeKind.Added, RecordAction.Enter)]
    [InlineData("mode: create_only", ChangeKind.Changed, null)]
    [InlineData("mode: create_only", ChangeKind.Removed, null)]
    [InlineData("mode: mirror", ChangeKind.Added, RecordAction.Enter)]
    [InlineData("mode: mirror", ChangeKind.Changed, RecordAction.Change)]
    [InlineData("mode: mirror", ChangeKind.Removed, RecordAction.Delete)]
    public void Decide_RecordModes_FollowTheKindOfChange(string mode, ChangeKind kind, RecordAction? expected)
    {
        var sync = new RunKit(mode).Sync;

        Assert.Equal(expected, Decisions.Decide(sync, Change(kind, was: true, now: true)));
    }

    [Theory]
    [InlineData("[enter]", false, true, RecordAction.Enter)]
    [InlineData("[enter]", true, true, null)]
    [InlineData("[enter]", true, false, null)]
    [InlineData("[enter, change]", true, true, RecordAction.Change)]
    [InlineData("[change]", false, true, null)]
    [InlineData("[change]", true, true, RecordAction.Change)]
    public void Decide_Trigger_SendsOnlyTheChosenTransitions(string on, bool was, bool now, RecordAction? expected)
    {
        var sync = new RunKit($"mode: trigger, trigger: {{ when: \"name <> ''\", on: {on} }}").Sync;

        Assert.Equal(expected, Decisions.Decide(sync, Change(ChangeKind.Changed, was, now)));
    }

    [Fact]
    public void Decide_TriggerRowThatLeaves_SendsNothing()
    {
        var sync = new RunKit("mode: trigger").Sync;

        Assert.Null(Decisions.Decide(sync, new RowChange("k", ChangeKind.Removed, WasMatching: true, IsMatching: false, Row: null)));
    }

    [Fact]
    public void Settled_ChangeWithRow_KeepsItsHashesMatchAndDestinationId()
    {
        var row = new MappedRow(1, "Zoë", null, true, 42, new Dictionary<string, object?>()) { RowHash = 9 };

        var update = Decisions.Settled(new RowChange("Zoë", ChangeKind.Added, false, true, row), "crm-東京");

        Assert.Equal(new StateUpdate("Zoë", new RecordState(42, true, 9), "crm-東京"), update);
    }

    [Fact]
    public void Settled_RemovedKey_DeletesItsState()
    {
        Assert.Equal(new StateUpdate("gone", null), Decisions.Settled(new RowChange("gone", ChangeKind.Removed, true, false, null)));
    }

    private static RowChange Change(ChangeKind kind, bool was, bool now) => kind == ChangeKind.Removed
        ? new RowChange("k", kind, was, false, null)
        : new RowChange("k", kind, was, now, new MappedRow(1, "k", null, now, 1, new Dictionary<string, object?>()));
}
