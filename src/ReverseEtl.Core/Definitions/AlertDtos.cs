namespace ReverseEtl.Core.Definitions;

// The shapes of the alerts: sections (after schema validation); the domain types are in AlertDefinition.cs.
internal sealed record AlertDto(SlackAlertDto? Slack, WebhookAlertDto? Webhook, List<string>? On, string? RejectedShare, List<string>? Syncs);

internal sealed record SlackAlertDto(string Connection, string Channel);

internal sealed record WebhookAlertDto(string? Url);

internal sealed record SyncAlertsDto(bool? Enabled, string? RejectedShare);
