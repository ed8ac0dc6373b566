using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Alerts;

/// <summary>
/// The example in the shipped config/alerts.yaml, uncommented, on the demo without credentials: a sync whose model is
/// broken, then mended, writes one alert and then one more to the dry-run outboxes of the Slack connection and of the
/// webhook, through <c>run --once</c>.
/// </summary>
public sealed class ShippedAlertsTests
{
    private const string Sync = "crm-partner-context-hubspot";

    [Fact]
    public async Task RunOnce_ShippedExampleUncommentedAndAModelBrokenThenMended_TwoAlertsInEachOutbox()
    {
        await using var project = new TestProject().WithShippedConfig();
        var alerts = File.ReadAllText(Path.Combine(RepositoryPaths.Config, "alerts.yaml"));
        var cut = alerts.IndexOf("version: 1\n", StringComparison.Ordinal);
        project.WithFile("alerts.yaml", alerts[..cut] + alerts[cut..].Replace("\n# ", "\n", StringComparison.Ordinal));
        var model = Path.Combine(project.Paths.ConfigDirectory, "models", "account_partner_context.sql");
        var sql = File.ReadAllText(model);
        Assert.Empty(project.Errors());

        File.WriteAllText(model, "selec 1 -- a typo");
        var broken = await project.CliAsync("run", "--once", "--sync", Sync);
        var stillBroken = await project.CliAsync("run", "--once", "--sync", Sync);
        File.WriteAllText(model, sql);
        var mended = await project.CliAsync("run", "--once", "--sync", Sync);

        Assert.Equal((1, 1, 0), (broken.ExitCode, stillBroken.ExitCode, mended.ExitCode));
        var slack = project.OutboxRequests("slack").Select(r => JsonNode.Parse(r)!).ToList();
        Assert.Equal([$"Sync {Sync} failed", $"Sync {Sync} recovered"], slack.Select(r => r["body"]!["blocks"]![0]!["text"]!["text"]!.GetValue<string>()));
        Assert.All(slack, r => Assert.Equal(("#data-ops", "https://slack.com/api/chat.postMessage"), (r["body"]!["channel"]!.GetValue<string>(), r["url"]!.GetValue<string>())));
        Assert.Contains("model 'account_partner_context'", slack[0]["body"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, project.OutboxRequests("alerts.ops-webhook").Count);
    }
}
