using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Alerts;
using static ReverseEtl.IntegrationTests.Alerts.AlertStandIn;

namespace ReverseEtl.IntegrationTests.Alerts;

/// <summary>
/// Alerts posted to a Slack channel (chat.postMessage through the sync's own Slack connection) and to an incoming
/// webhook, both on WireMock answering as Slack documents; each chat.postMessage body is checked against Slack's
/// published description. One alert per change of state, none while it stays the same.
/// </summary>
public sealed class AlertsAgainstSlackTests : IAsyncLifetime
{
    private AlertStandIn _slack = null!;

    public ValueTask InitializeAsync()
    {
        _slack = new AlertStandIn();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _slack.DisposeAsync();

    [Fact]
    public async Task Run_FailsTwiceThenRecovers_FailedOnceAndRecoveredOnceOnEachTarget()
    {
        var failed = await _slack.Project.RunAsync(Sync);
        await _slack.Project.RunAsync(Sync);
        _slack.WriteRows(("acc_001", "Zoë <&> 名前"), ("acc_002", "Ünïcode"));
        var recovered = await _slack.Project.RunAsync(Sync);
        var again = await _slack.Project.RunAsync(Sync);

        Assert.Equal((RunStatus.Failed, RunStatus.Succeeded, RunStatus.Succeeded), (failed.Status, recovered.Status, again.Status));
        Assert.Equal(2, _slack.SyncPosts().Count);
        var posts = _slack.AlertPosts();
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} recovered"], Headlines(posts));
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} recovered"], Headlines(_slack.HookPosts()));
        Assert.All(posts, p => Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", p.ToJsonString())));
        var text = posts[0]["text"]!.GetValue<string>();
        Assert.Contains($"Run {failed.RunId}, started {failed.StartedAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, ended Failed", text, StringComparison.Ordinal);
        Assert.Contains("accounts – Zoë.csv", text, StringComparison.Ordinal); // the warehouse's error, with the model's non-ASCII path
        Assert.Contains($"`history --sync {Sync}`", text, StringComparison.Ordinal);
        Assert.Contains($"Run {recovered.RunId}, started", posts[1]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(posts[0]["text"]!.ToJsonString(), _slack.HookPosts()[0]["text"]!.ToJsonString());
    }

    [Fact]
    public async Task Run_HeldTwice_OneHeldAlertNamingApprove()
    {
        await using var slack = new AlertStandIn("limits: { messages: 1 }");
        slack.WriteRows(("acc_001", "A"), ("acc_002", "B"), ("acc_003", "C"));

        var first = await slack.Project.RunAsync(Sync);
        var second = await slack.Project.RunAsync(Sync);

        Assert.Equal((RunStatus.Held, RunStatus.Held), (first.Status, second.Status));
        var post = Assert.Single(slack.AlertPosts());
        Assert.Equal([$"Sync {Sync} held back a plan"], Headlines([post]));
        Assert.Contains($"`approve --sync {Sync}`", post["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("3 record(s) were not sent.", post["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", post.ToJsonString()));
        Assert.Single(slack.HookPosts());
    }

    [Fact]
    public async Task Run_RejectsMoreThanTheShare_OneRejectedAlertWhileItStaysOver()
    {
        _slack.WriteRows(("acc_001", "A"), (null, "no key"), ("acc_002", "B"), ("acc_002", "duplicate"), ("", "empty key"));

        var first = await _slack.Project.RunAsync(Sync);
        var second = await _slack.Project.RunAsync(Sync);

        Assert.True(first.Counts.Rejected >= 2, $"rejected: {first.Counts}");
        Assert.Equal(RunStatus.Succeeded, second.Status);
        var post = Assert.Single(_slack.AlertPosts());
        Assert.StartsWith($"Sync {Sync} rejected ", Headlines([post])[0], StringComparison.Ordinal);
        Assert.Contains($"{first.Counts.Rejected} of {first.Counts.RowsRead} rows rejected (a null or duplicated key)", post["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"`failures --sync {Sync}`", post["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_slack.HookPosts());
    }

    [Fact]
    public async Task Run_AlertPostsRefused_RunOutcomeStandsAndTheAlertIsPostedAfterTheNextRun()
    {
        _slack.RefuseAlertPosts("not_in_channel");
        _slack.AnswerHook(404, "no_service");

        var first = await _slack.Project.RunAsync(Sync);
        _slack.Server.ResetMappings();
        _slack.AnswerPosts();
        _slack.AnswerHook(200, "ok");
        var second = await _slack.Project.RunAsync(Sync);
        var third = await _slack.Project.RunAsync(Sync);

        Assert.Equal((RunStatus.Failed, RunStatus.Failed, RunStatus.Failed), (first.Status, second.Status, third.Status));
        Assert.Equal(first.Error, (await _slack.Project.State.GetHistoryAsync(Sync, 5, CancellationToken.None))[^1].Error);
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} failed"], Headlines(_slack.AlertPosts())); // refused once, then posted once
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} failed"], Headlines(_slack.HookPosts()));
        Assert.Contains($"Run {second.RunId}, started", _slack.AlertPosts()[1]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var states = await _slack.Project.State.LoadAlertStatesAsync(Sync, CancellationToken.None);
        Assert.Equal([("hook", true, second.RunId), ("ops", true, second.RunId)], states.Select(s => (s.Route, s.Active, s.RunId)));
    }

    [Fact]
    public async Task Run_VeryLongErrorFullOfMarkup_CutWithinSlacksLimitsAndEscaped()
    {
        // The warehouse's error names the model's file: here a path of about 2,000 characters, with markup and non-ASCII.
        var folder = Path.Combine(Enumerable.Range(0, 15).Select(i => $"<b>&amp;{i}_" + new string('ü', 100)).ToArray());
        await using var slack = new AlertStandIn(csvFolder: folder);

        var run = await slack.Project.RunAsync(Sync);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.True(run.Error!.Length > AlertText.MaxError, $"the error is {run.Error.Length} characters");
        var post = Assert.Single(slack.AlertPosts());
        Assert.Empty(SlackContract.ValidateRequest("chat.postMessage", post.ToJsonString()));
        var section = post["blocks"]![1]!["text"]!["text"]!.GetValue<string>();
        Assert.InRange(section.Length, 1, 3000);
        Assert.DoesNotContain("<b>", section, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;&amp;amp;0_üü", section, StringComparison.Ordinal);
        Assert.Contains($"more characters: `history --sync {Sync}` shows the whole error)", section, StringComparison.Ordinal);
    }
}
