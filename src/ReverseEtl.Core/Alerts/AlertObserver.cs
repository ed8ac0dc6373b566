using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Alerts;

/// <summary>
/// After each run, posts the alerts whose state the run changed (<see cref="AlertRules"/>) and stores the new state. An
/// alert that cannot be posted is logged and its state is left as it was, so the next run tries again; the run's outcome
/// never depends on it.
/// </summary>
public sealed partial class AlertObserver(IAlertStates states, IAlertSender sender, TimeProvider time, ILogger<AlertObserver> logger) : IRunObserver
{
    public async Task RunFinishedAsync(ProjectRuntime runtime, SyncDefinition sync, SyncRunReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(report);
        var alerts = runtime.Project.Alerts.Values.Where(a => a.Covers(sync)).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        if (alerts.Count == 0 || report.RunId == 0)
        {
            return;
        }

        var saved = await states.LoadAlertStatesAsync(sync.Name, cancellationToken);
        foreach (var alert in alerts)
        {
            var changes = AlertRules.Changes(alert, sync, report, state => saved.Any(s => s.Route == alert.Name && s.Condition == state && s.Active));
            foreach (var change in changes)
            {
                await ApplyAsync(runtime.Project, alert, sync, report, change, cancellationToken);
            }
        }
    }

    private async Task ApplyAsync(ProjectDefinition project, AlertDefinition alert, SyncDefinition sync, SyncRunReport report, AlertChange change, CancellationToken cancellationToken)
    {
        if (change.Notify is { } condition && !await PostAsync(project, alert, sync, report, condition, cancellationToken))
        {
            return; // the state stays as it was: the next run posts it again
        }

        if (change.Notify is null)
        {
            LogStateChanged(logger, sync.Name, alert.Name, change.State, change.Active, report.RunId);
        }

        await states.SaveAlertStateAsync(sync.Name, new AlertState(alert.Name, change.State, change.Active, report.RunId, time.GetUtcNow()), cancellationToken);
    }

    private async Task<bool> PostAsync(ProjectDefinition project, AlertDefinition alert, SyncDefinition sync, SyncRunReport report, AlertCondition condition, CancellationToken cancellationToken)
    {
        var message = AlertText.For(condition, sync, report, sync.Alerts.RejectedShare ?? alert.RejectedShare);
        var target = Target(project, alert);
        var what = condition.ToString().ToLowerInvariant();
        try
        {
            var delivery = await sender.SendAsync(target, message, cancellationToken);
            if (delivery.DryRunOutbox is { } outbox)
            {
                LogWrittenToOutbox(logger, sync.Name, alert.Name, what, report.RunId, outbox);
            }
            else
            {
                LogPosted(logger, sync.Name, alert.Name, what, report.RunId);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotPosted(logger, sync.Name, alert.Name, what, report.RunId, Secrets.Hidden(ex, target));
            return false;
        }
    }

    private static AlertTarget Target(ProjectDefinition project, AlertDefinition alert) => alert.Target switch
    {
        SlackAlertTargetDefinition slack => new SlackChannelAlertTarget(alert.Name, project.Connections[slack.Connection].Settings, slack.Channel),
        WebhookAlertTargetDefinition webhook => new WebhookAlertTarget(alert.Name, webhook.Url, webhook.Variable, project.Paths),
        _ => throw new InvalidOperationException($"Alert '{alert.Name}' has a target of an unknown kind."),
    };

    [LoggerMessage(3102, LogLevel.Information, "Sync {Sync}: alert {Alert} posted: {Condition} (run {RunId})")]
    private static partial void LogPosted(ILogger logger, string sync, string alert, string condition, long runId);

    [LoggerMessage(3103, LogLevel.Warning, "Sync {Sync}: alert {Alert} ({Condition}, run {RunId}) could not be posted: {Reason}; it is posted after the sync's next run if the state still holds, and the run's outcome stands")]
    private static partial void LogNotPosted(ILogger logger, string sync, string alert, string condition, long runId, string reason);

    [LoggerMessage(3104, LogLevel.Information, "Sync {Sync}: alert {Alert} ({Condition}, run {RunId}) written to the dry-run outbox {Outbox}, not posted: its target has no credential")]
    private static partial void LogWrittenToOutbox(ILogger logger, string sync, string alert, string condition, long runId, string outbox);

    [LoggerMessage(3105, LogLevel.Debug, "Sync {Sync}: alert {Alert} state {State} is now {Active} (run {RunId}); nothing to post")]
    private static partial void LogStateChanged(ILogger logger, string sync, string alert, string state, bool active, long runId);

    /// <summary>An exception's message on one line, with the webhook's URL (the secret) taken out wherever it appears.</summary>
    private static class Secrets
    {
        public static string Hidden(Exception exception, AlertTarget target)
        {
            var text = exception is DestinationException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
            if (target is WebhookAlertTarget { Url: { } url, Variable: var variable })
            {
                foreach (var secret in new[] { url.OriginalString, url.AbsoluteUri, url.PathAndQuery }.Where(s => s.Length > 1))
                {
                    text = text.Replace(secret, $"(the URL in {variable})", StringComparison.OrdinalIgnoreCase);
                }
            }

            return text.ReplaceLineEndings(" ");
        }
    }
}
