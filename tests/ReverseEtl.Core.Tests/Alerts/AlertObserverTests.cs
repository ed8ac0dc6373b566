using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Alerts;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Alerts.AlertKit;

namespace ReverseEtl.Core.Tests.Alerts;

public class AlertObserverTests
{
    private const string Hook = "https://hooks.slack.com/services/T000/B000/XyZsecret";
    private readonly MemoryStateStore _state = new();
    private readonly RecordingAlertSender _sender = new();
    private readonly ListLogger _log = new();

    [Fact]
    public async Task RunFinished_FailingThenRecovering_TwoAlertsToEachTargetStateStored()
    {
        var kit = new AlertKit("""
            ops: { slack: { connection: chat, channel: "#data-ops" } }
              hook: { webhook: { url: "${HOOK_URL:-}" } }
            """);

        foreach (var (status, run) in new[] { (RunStatus.Failed, 1L), (RunStatus.Failed, 2L), (RunStatus.Succeeded, 3L), (RunStatus.Succeeded, 4L) })
        {
            await Observer().RunFinishedAsync(kit.Runtime, kit.Sync, Report(status, run, error: "boom"), CancellationToken.None);
        }

        Assert.Equal(["hook: Sync s failed", "ops: Sync s failed", "hook: Sync s recovered", "ops: Sync s recovered"], _sender.Sent.Select(s => $"{s.Target.Route}: {s.Message.Headline}"));
        Assert.IsType<SlackChannelAlertTarget>(_sender.Sent[1].Target);
        Assert.Equal(new AlertState("ops", "failed", false, 3, At), _state.AlertStates[("s", "ops", "failed")]);
    }

    [Fact]
    public async Task RunFinished_PostFails_LoggedOnceWithoutTheSecretStateKeptAndPostedAfterTheNextRun()
    {
        var kit = new AlertKit("hook: { webhook: { url: \"${HOOK_URL:-}\" } }");
        var project = kit.Runtime.Project with
        {
            Alerts = new Dictionary<string, ReverseEtl.Core.Definitions.AlertDefinition>
            {
                ["hook"] = kit.Alert("hook") with { Target = new ReverseEtl.Core.Definitions.WebhookAlertTargetDefinition(new Uri(Hook), "HOOK_URL") },
            },
        };
        await using var runtime = new ReverseEtl.Core.Running.ProjectRuntime(project, FakeCatalog.Standard());
        _sender.Failing = new DestinationException($"Slack webhook connection 'alerts.hook': could not reach {Hook} (HttpRequestException: Connection refused)");

        await Observer().RunFinishedAsync(runtime, kit.Sync, Report(RunStatus.Failed, 1, error: "boom"), CancellationToken.None);
        _sender.Failing = null;
        await Observer().RunFinishedAsync(runtime, kit.Sync, Report(RunStatus.Failed, 2, error: "boom again"), CancellationToken.None);

        var warning = Assert.Single(_log.Entries, e => e.Id == 3103).Message;
        Assert.Equal("Sync s: alert hook (failed, run 1) could not be posted: Slack webhook connection 'alerts.hook': could not reach (the URL in HOOK_URL) (HttpRequestException: Connection refused); it is posted after the sync's next run if the state still holds, and the run's outcome stands", warning);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("XyZsecret", StringComparison.Ordinal));
        Assert.Equal("Error: boom again", Assert.Single(_sender.Sent).Message.Details[1]);
        Assert.Equal(2, _state.AlertStates[("s", "hook", "failed")].RunId);
    }

    [Fact]
    public async Task RunFinished_DryRunTarget_LogsTheOutboxAndAdvances()
    {
        var kit = new AlertKit();
        _sender.Outbox = "/data/outbox/chat.jsonl";

        await Observer().RunFinishedAsync(kit.Runtime, kit.Sync, Report(RunStatus.Held, 1, error: "held"), CancellationToken.None);

        Assert.Equal("Sync s: alert ops (held, run 1) written to the dry-run outbox /data/outbox/chat.jsonl, not posted: its target has no credential", Assert.Single(_log.Entries, e => e.Id == 3104).Message);
        Assert.True(_state.AlertStates[("s", "ops", "held")].Active);
    }

    [Fact]
    public async Task SyncRunner_ObserverThrows_RunOutcomeStandsAndTheFailureIsLogged()
    {
        var kit = new RunKit("mode: upsert", RunKit.Row("a", "A"));
        var runner = new ReverseEtl.Core.Running.SyncRunner(kit.State, kit.Time, kit.Log.For<ReverseEtl.Core.Running.SyncRunner>(), observers: [new ThrowingObserver()]);

        var report = await runner.RunAsync(kit.Runtime, kit.Sync, CancellationToken.None);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.NotNull(report.StartedAt);
        Assert.Equal($"Sync s: after run {report.RunId}, ThrowingObserver failed; the run's outcome stands", Assert.Single(kit.Log.Entries, e => e.Id == 3101).Message);
    }

    private static DateTimeOffset At => Start;

    private AlertObserver Observer() => new(_state, _sender, new FakeTimeProvider(At), _log.For<AlertObserver>());

    private sealed class ThrowingObserver : ReverseEtl.Core.Running.IRunObserver
    {
        public Task RunFinishedAsync(ReverseEtl.Core.Running.ProjectRuntime runtime, ReverseEtl.Core.Definitions.SyncDefinition sync, ReverseEtl.Core.Running.SyncRunReport report, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("observer defect");
    }
}
