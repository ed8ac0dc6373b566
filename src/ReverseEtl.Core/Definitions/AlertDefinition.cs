namespace ReverseEtl.Core.Definitions;

/// <summary>What an alert reports: a sync failed, recovered (its first success after a failure), held a plan, or rejected too many records.</summary>
public enum AlertCondition
{
    Failed,
    Recovered,
    Held,
    Rejected,
}

/// <summary>
/// One alert under <c>alerts:</c>: where it posts, on which conditions, and for which syncs (null: every sync).
/// <see cref="RejectedShare"/> is the share of a run's records (0–100) past which <c>rejected</c> is reported.
/// </summary>
public sealed record AlertDefinition(
    string Name,
    AlertTargetDefinition Target,
    IReadOnlySet<AlertCondition> On,
    double RejectedShare,
    IReadOnlySet<string>? Syncs,
    DefinitionSource Source)
{
    /// <summary>The default of <c>rejected_share</c>: 5%.</summary>
    public const double DefaultRejectedShare = 5;

    /// <summary>Whether this alert reports on <paramref name="sync"/>.</summary>
    public bool Covers(SyncDefinition sync) => sync.Alerts.Enabled && (Syncs is null || Syncs.Contains(sync.Name));
}

/// <summary>Where an alert posts: a Slack channel through a <c>slack</c> connection, or an incoming webhook.</summary>
public abstract record AlertTargetDefinition;

/// <summary><c>slack: { connection, channel }</c>.</summary>
public sealed record SlackAlertTargetDefinition(string Connection, string Channel) : AlertTargetDefinition;

/// <summary><c>webhook: { url: ${VAR} }</c>; an empty URL is a dry run to <c>outbox/alerts.NAME.jsonl</c>.</summary>
public sealed record WebhookAlertTargetDefinition(Uri? Url, string? Variable) : AlertTargetDefinition
{
    /// <summary>Never the URL: it is the secret.</summary>
    public override string ToString() => $"webhook (read from {Variable})";
}

/// <summary>A sync's own <c>alerts:</c>: off (<c>enabled: false</c>), or another <c>rejected_share</c> than its alerts'.</summary>
public sealed record SyncAlertSettings(bool Enabled, double? RejectedShare)
{
    public static readonly SyncAlertSettings Default = new(true, null);
}
