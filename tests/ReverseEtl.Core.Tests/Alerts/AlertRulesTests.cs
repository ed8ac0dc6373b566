using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Alerts;
using ReverseEtl.Core.Definitions;
using static ReverseEtl.Core.Tests.Alerts.AlertKit;

namespace ReverseEtl.Core.Tests.Alerts;

public class AlertRulesTests
{
    private readonly Dictionary<string, bool> _states = new(StringComparer.Ordinal);

    [Fact]
    public void Changes_FailedTwiceThenSucceeded_FailedOnceThenRecovered()
    {
        var kit = new AlertKit();

        var notified = new[] { RunStatus.Failed, RunStatus.Failed, RunStatus.Succeeded, RunStatus.Succeeded }
            .Select((status, i) => Apply(kit, Report(status, i + 1, error: "boom"))).ToList();

        Assert.Equal([[AlertCondition.Failed], [], [AlertCondition.Recovered], []], notified);
    }

    [Fact]
    public void Changes_StoppedOrSkippedRun_SaysNothingEvenWhileFailing()
    {
        var kit = new AlertKit();
        _states[AlertRules.Failing] = true;

        Assert.Empty(AlertRules.Changes(kit.Alert(), kit.Sync, Report(RunStatus.Cancelled, 1), Was));
        Assert.Empty(AlertRules.Changes(kit.Alert(), kit.Sync, Report(RunStatus.Skipped, 0), Was));
    }

    [Fact]
    public void Changes_HeldTwiceThenReleased_OneHeldAlertAndASilentEnd()
    {
        var kit = new AlertKit();

        var first = Apply(kit, Report(RunStatus.Held, 1));
        var second = Apply(kit, Report(RunStatus.Held, 2));
        var released = AlertRules.Changes(kit.Alert(), kit.Sync, Report(RunStatus.Succeeded, 3), Was);

        Assert.Equal([AlertCondition.Held], first);
        Assert.Empty(second);
        Assert.Equal([new AlertChange(AlertRules.Holding, false, null)], released);
    }

    [Fact]
    public void Changes_FailedRunWhileHeld_LeavesHeldAsItWas()
    {
        var kit = new AlertKit();
        _states[AlertRules.Holding] = true;

        Assert.Equal([new AlertChange(AlertRules.Failing, true, AlertCondition.Failed)], AlertRules.Changes(kit.Alert(), kit.Sync, Report(RunStatus.Failed, 1), Was));
    }

    [Theory]
    [InlineData(100, 5, 0, 0, false)] // 5% of rows: not past 5%
    [InlineData(100, 6, 0, 0, true)]
    [InlineData(1000, 0, 95, 5, false)] // 5 of 100 sends refused
    [InlineData(1000, 0, 94, 6, true)]
    [InlineData(0, 0, 0, 0, false)] // nothing read or sent
    public void Changes_RejectedShare_PostedOnlyPastTheThreshold(long read, long rejected, long sent, long failed, bool expected)
    {
        var kit = new AlertKit();
        var counts = new RunCounts { RowsRead = read, Rejected = rejected, Sent = sent, Failed = failed };

        var changes = AlertRules.Changes(kit.Alert(), kit.Sync, Report(failed > 0 ? RunStatus.PartiallyFailed : RunStatus.Succeeded, 1, counts), Was);

        Assert.Equal(expected, changes.Any(c => c.Notify == AlertCondition.Rejected));
    }

    [Fact]
    public void Changes_SyncsOwnShareAndConditionsNotListed_FollowTheYaml()
    {
        var lenient = new AlertKit("ops: { slack: { connection: chat, channel: \"#x\" }, on: [recovered, rejected] }", ", alerts: { rejected_share: 50% }");
        var counts = new RunCounts { RowsRead = 10, Rejected = 4 };

        var failed = Apply(lenient, Report(RunStatus.Failed, 1));
        var recovered = Apply(lenient, Report(RunStatus.Succeeded, 2, counts));

        Assert.Empty(failed);
        Assert.Equal([AlertCondition.Recovered], recovered);
        Assert.True(_states[AlertRules.Failing] is false, "the failure was tracked, unposted, so its end could be posted");
    }

    [Fact]
    public void Covers_SyncOptedOut_NoAlert()
    {
        var kit = new AlertKit(syncAlerts: ", alerts: { enabled: false }");

        Assert.False(kit.Alert().Covers(kit.Sync));
    }

    private bool Was(string state) => _states.GetValueOrDefault(state);

    // Applies the changes as the observer does when every post succeeds; returns what was posted.
    private AlertCondition[] Apply(AlertKit kit, ReverseEtl.Core.Running.SyncRunReport report)
    {
        var changes = AlertRules.Changes(kit.Alert(), kit.Sync, report, Was);
        changes.ToList().ForEach(c => _states[c.State] = c.Active);
        return changes.Select(c => c.Notify).OfType<AlertCondition>().ToArray();
    }
}
