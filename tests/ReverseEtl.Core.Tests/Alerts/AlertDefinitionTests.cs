using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Alerts;

public class AlertDefinitionTests
{
    private const string Project = """
        version: 1
        connections:
          wh: { duckdb: { path: wh.duckdb } }
          chat: { slack: { token: "" } }
          crm: { hubspot: { token: "" } }
        models:
          m: { connection: wh, primary_key: id, sql: select 1 as id }
        syncs:
          s: { model: m, destination: chat, mode: trigger, slack: { text: hi } }
          quiet: { model: m, destination: chat, mode: trigger, slack: { text: hi }, alerts: { enabled: false } }
          loud: { model: m, destination: chat, mode: trigger, slack: { text: hi }, alerts: { rejected_share: 12.5% } }
        """;

    [Fact]
    public void Load_SlackAndWebhookAlerts_BuiltWithDefaultsAndEachSyncsOwnSettings()
    {
        using var folder = new TempConfigFolder().With("project.yaml", Project).With("alerts.yaml", """
            version: 1
            alerts:
              ops:
                slack: { connection: chat, channel: "#data-ops" }
              hook:
                webhook: { url: "${HOOK_URL}" }
                on: [failed, recovered]
                rejected_share: 2%
                syncs: [s]
            """);

        var result = Load(folder, ("HOOK_URL", "https://hooks.slack.com/services/T0/B0/secret"));

        Assert.Empty(result.Errors);
        var project = result.Project!;
        var ops = project.Alerts["ops"];
        Assert.Equal((new SlackAlertTargetDefinition("chat", "#data-ops"), 5.0, (IReadOnlySet<string>?)null), (ops.Target, ops.RejectedShare, ops.Syncs));
        Assert.Equal(4, ops.On.Count);
        var hook = project.Alerts["hook"];
        Assert.Equal(new WebhookAlertTargetDefinition(new Uri("https://hooks.slack.com/services/T0/B0/secret"), "HOOK_URL"), hook.Target);
        Assert.Equal("webhook (read from HOOK_URL)", hook.Target.ToString());
        Assert.Equal([AlertCondition.Failed, AlertCondition.Recovered], hook.On.Order());
        Assert.Equal(2.0, hook.RejectedShare);
        Assert.Equal((true, false, false), (hook.Covers(project.Syncs["s"]), hook.Covers(project.Syncs["loud"]), ops.Covers(project.Syncs["quiet"])));
        Assert.Equal(new SyncAlertSettings(true, 12.5), project.Syncs["loud"].Alerts);
    }

    [Fact]
    public void Load_WebhookVariableUnsetWithDefault_DryRunWithoutUrl()
    {
        using var folder = new TempConfigFolder().With("project.yaml", Project)
            .With("alerts.yaml", "version: 1\nalerts:\n  hook: { webhook: { url: \"${HOOK_URL:-}\" } }\n");

        var result = Load(folder);

        Assert.Empty(result.Errors);
        Assert.Equal(new WebhookAlertTargetDefinition(null, "HOOK_URL"), result.Project!.Alerts["hook"].Target);
    }

    [Fact]
    public void Load_MistakesInAlerts_EachNamedAtFileLineColumnWithoutTheSecret()
    {
        using var folder = new TempConfigFolder().With("project.yaml", Project).With("alerts.yaml", """
            version: 1
            alerts:
              no-conn: { slack: { connection: nope, channel: "#x" } }
              not-slack: { slack: { connection: crm, channel: "#x" } }
              both: { slack: { connection: chat, channel: "#x" }, webhook: { url: "${HOOK_URL}" } }
              neither: { on: [failed] }
              inline: { webhook: { url: "https://hooks.slack.com/services/T0/B0/inline-secret" } }
              bad-url: { webhook: { url: "${HOOK_URL}" } }
              unknown-sync: { slack: { connection: chat, channel: "#x" }, syncs: [s, ghost] }
            """);

        var errors = Load(folder, ("HOOK_URL", "not a url/secret-value")).Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(
        [
            "config/alerts.yaml:3:35: alerts.no-conn.slack.connection: no connection named 'nope'; defined: chat, crm, wh",
            "config/alerts.yaml:4:37: alerts.not-slack.slack.connection: 'crm' is a hubspot connection; alerts post through a slack connection (for an incoming webhook, use 'webhook: { url: ${VAR} }')",
            "config/alerts.yaml:5:9: alerts.both: give either 'slack' (a channel, through a slack connection) or 'webhook' (an incoming webhook's URL), not both and not neither",
            "config/alerts.yaml:6:12: alerts.neither: give either 'slack' (a channel, through a slack connection) or 'webhook' (an incoming webhook's URL), not both and not neither",
            "config/alerts.yaml:7:29: alerts.inline.webhook.url: the webhook URL is a secret: read it from the environment, e.g. url: ${RETL_ALERT_WEBHOOK_URL} (or ${RETL_ALERT_WEBHOOK_URL:-} for a dry run when it is unset)",
            "config/alerts.yaml:8:30: alerts.bad-url.webhook.url: the value of HOOK_URL is not an absolute http(s) URL; set it to the webhook's URL (https://hooks.slack.com/services/...)",
            "config/alerts.yaml:9:74: alerts.unknown-sync.syncs[1]: no sync named 'ghost'; defined: loud, quiet, s",
        ], errors);
        Assert.DoesNotContain(errors, e => e.Contains("secret-value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rejected_share: 5", "config/alerts.yaml:3:75: alerts.a.rejected_share: '5' must be text")]
    [InlineData("rejected_share: 150%", "config/alerts.yaml:3:75: alerts.a.rejected_share: '150%' does not match the pattern ^(100|[0-9]{1,2})(\\.[0-9]+)?%$")]
    [InlineData("on: [failed, exploded]", "config/alerts.yaml:3:72: alerts.a.on[1]: 'exploded' is not allowed; expected one of: failed, recovered, held, rejected")]
    [InlineData("colour: red", "config/alerts.yaml:3:59: alerts.a.colour: unknown key 'colour'; expected one of: slack, webhook, on, rejected_share, syncs")]
    public void Load_AlertOutsideTheSchema_NamedAtFileLineColumn(string entry, string expected)
    {
        using var folder = new TempConfigFolder().With("project.yaml", Project)
            .With("alerts.yaml", $"version: 1\nalerts:\n  a: {{ slack: {{ connection: chat, channel: \"#data-ops\" }}, {entry} }}\n");

        Assert.Equal([expected], Load(folder).Errors.Select(e => e.ToString()));
    }

    private static DefinitionLoadResult Load(TempConfigFolder folder, params (string Name, string? Value)[] variables) =>
        new DefinitionLoader(FakeCatalog.Standard(), DefinitionText.Environment(variables)).Load(folder.Paths);
}
