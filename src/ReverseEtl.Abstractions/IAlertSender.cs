namespace ReverseEtl.Abstractions;

/// <summary>Posts an operator alert (a sync failed, recovered, held a plan, rejected too many records) to where the YAML says.</summary>
/// <remarks>
/// Thread-safe. Throws when the alert could not be posted (no answer, refused, an error code); the caller logs it and
/// tries again on the next run. A target without its secret writes the request to the dry-run outbox instead, and says
/// where in <see cref="AlertDelivery.DryRunOutbox"/>. Messages and logs never carry the secret (a token, a webhook URL).
/// </remarks>
public interface IAlertSender
{
    Task<AlertDelivery> SendAsync(AlertTarget target, AlertMessage message, CancellationToken cancellationToken);
}

/// <summary>Where an alert goes; <see cref="Route"/> is its name under <c>alerts:</c>.</summary>
public abstract record AlertTarget(string Route);

/// <summary>A Slack channel, posted to with <c>chat.postMessage</c> through a <c>slack</c> connection (its token, pace and retries).</summary>
public sealed record SlackChannelAlertTarget(string Route, ConnectionSettings Connection, string Channel) : AlertTarget(Route);

/// <summary>A Slack incoming webhook; <paramref name="Url"/> null means a dry run to the outbox.</summary>
/// <param name="Route">The alert's name.</param>
/// <param name="Url">The webhook URL: a secret, never logged.</param>
/// <param name="Variable">The environment variable the URL was read from, to name in messages.</param>
/// <param name="Paths">Where the dry-run outbox is.</param>
public sealed record WebhookAlertTarget(string Route, Uri? Url, string? Variable, RuntimePaths Paths) : AlertTarget(Route);

/// <summary>An alert as plain text: a headline, the facts (one line each), and what to do. Each sender formats and escapes it.</summary>
public sealed record AlertMessage(string Headline, IReadOnlyList<string> Details, string Action)
{
    /// <summary>The whole message as plain lines.</summary>
    public override string ToString() => string.Join("\n", [Headline, .. Details, Action]);
}

/// <summary>How an alert went: sent, or written to the dry-run outbox at <see cref="DryRunOutbox"/>.</summary>
public sealed record AlertDelivery(string? DryRunOutbox);
