using System.Globalization;

namespace ReverseEtl.Core.Definitions;

/// <summary>Checks the <c>alerts:</c> against the connections and syncs, and builds them.</summary>
internal sealed class AlertValidator(DefinitionValidator owner, IReadOnlyDictionary<string, ConnectionDefinition> connections, IReadOnlyCollection<string> syncNames)
{
    private static readonly Dictionary<string, AlertCondition> Conditions = new(StringComparer.Ordinal)
    {
        ["failed"] = AlertCondition.Failed,
        ["recovered"] = AlertCondition.Recovered,
        ["held"] = AlertCondition.Held,
        ["rejected"] = AlertCondition.Rejected,
    };

    public Dictionary<string, AlertDefinition> Build(DefinitionSections sections) => sections.Alerts
        .Select(a => Build(a.Key, a.Value.Body, a.Value.Source)).OfType<AlertDefinition>()
        .ToDictionary(a => a.Name, StringComparer.Ordinal);

    /// <summary>A share such as <c>5%</c> or <c>2.5%</c>, as the schema allows it, in percent.</summary>
    public static double Share(string text) => double.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture);

    private AlertDefinition? Build(string name, AlertDto body, DefinitionSource source)
    {
        owner.CheckName(name, source);
        foreach (var (sync, i) in (body.Syncs ?? []).Select((s, i) => (s, i)).Where(s => !syncNames.Contains(s.s)))
        {
            owner.Add(source, ConfigPath.Item("syncs", i), $"no sync named '{sync}'; defined: {DefinitionValidator.Names(syncNames)}");
        }

        var on = body.On?.Select(c => Conditions[c]).ToHashSet() ?? [.. Conditions.Values];
        var share = body.RejectedShare is { } text ? Share(text) : AlertDefinition.DefaultRejectedShare;
        var syncs = body.Syncs?.ToHashSet(StringComparer.Ordinal);
        return Target(body, source) is { } target ? new AlertDefinition(name, target, on, share, syncs, source) : null;
    }

    private AlertTargetDefinition? Target(AlertDto body, DefinitionSource source) => (body.Slack, body.Webhook) switch
    {
        ({ } slack, null) => Slack(slack, source),
        (null, { } webhook) => Webhook(webhook, source),
        _ => Invalid(source, string.Empty, "give either 'slack' (a channel, through a slack connection) or 'webhook' (an incoming webhook's URL), not both and not neither"),
    };

    private AlertTargetDefinition? Slack(SlackAlertDto slack, DefinitionSource source)
    {
        if (!connections.TryGetValue(slack.Connection, out var connection))
        {
            return Invalid(source, "slack.connection", $"no connection named '{slack.Connection}'; defined: {DefinitionValidator.Names(connections.Keys)}");
        }

        return connection.Settings.Type == "slack"
            ? new SlackAlertTargetDefinition(slack.Connection, slack.Channel)
            : Invalid(source, "slack.connection", $"'{slack.Connection}' is a {connection.Settings.Type} connection; alerts post through a slack connection (for an incoming webhook, use 'webhook: {{ url: ${{VAR}} }}')");
    }

    // The URL is the secret: it must come from the environment, and no message repeats it.
    private AlertTargetDefinition? Webhook(WebhookAlertDto webhook, DefinitionSource source)
    {
        var variable = EnvironmentSubstitution.FirstVariable(source.Map.RawAt(ConfigPath.Child(source.Path, "webhook.url")));
        if (variable is null)
        {
            return Invalid(source, "webhook.url", "the webhook URL is a secret: read it from the environment, e.g. url: ${RETL_ALERT_WEBHOOK_URL} (or ${RETL_ALERT_WEBHOOK_URL:-} for a dry run when it is unset)");
        }

        if (string.IsNullOrWhiteSpace(webhook.Url))
        {
            return new WebhookAlertTargetDefinition(null, variable);
        }

        return Uri.TryCreate(webhook.Url.Trim(), UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? new WebhookAlertTargetDefinition(url, variable)
            : Invalid(source, "webhook.url", $"the value of {variable} is not an absolute http(s) URL; set it to the webhook's URL (https://hooks.slack.com/services/...)");
    }

    private AlertTargetDefinition? Invalid(DefinitionSource source, string path, string message)
    {
        owner.Add(source, path, message);
        return null;
    }
}
