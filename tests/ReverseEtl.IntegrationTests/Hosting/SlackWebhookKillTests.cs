namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// An incoming webhook cannot be read back, so no kill test can show exactly once for it: SIGKILL at random points
/// (<see cref="WorkerKills"/>), then a run to the end, shows what each <c>delivery</c> choice promises instead.
/// <c>at_least_once</c> loses nothing and may post twice; <c>at_most_once</c> posts nothing twice and may lose. The
/// counts are written to the test output. RETL_WEBHOOK_KILL_COUNT changes the number of kills (default 10).
/// </summary>
public sealed class SlackWebhookKillTests(ITestOutputHelper output) : WorkerKills(output)
{
    private const int Rows = 40;
    private static readonly int Kills = Setting("RETL_WEBHOOK_KILL_COUNT", 10);

    [Theory]
    [InlineData("at_least_once")]
    [InlineData("at_most_once")]
    public async Task SigkillAtRandomPoints_DeliveryChoiceHolds(string delivery)
    {
        WebhookSync(Rows, delivery);

        var kills = await KillRunsAsync(Kills);
        await RunToEndAsync();

        var (perKey, lost, duplicates) = Tally(Keys(Rows));
        Output.WriteLine($"seed {Seed}, delivery {delivery}: {kills} kills, {Slack.Messages.Count} messages for {Rows} rows: {lost} lost, {duplicates} duplicates");
        Assert.Empty(Slack.Violations);
        Assert.Subset(Keys(Rows).ToHashSet(StringComparer.Ordinal), perKey.Keys.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(0, delivery == "at_least_once" ? lost : duplicates);
    }
}
