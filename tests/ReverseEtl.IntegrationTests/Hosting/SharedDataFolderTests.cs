using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>Two processes on one new data folder (two <c>run --once</c> started together): both finish, nothing is torn.</summary>
public class SharedDataFolderTests
{
    private const string Attributes = "intercom-onboarding-attributes";
    private const string Events = "intercom-stage-entered-events";

    [Fact]
    public async Task TwoRunOnceAtOnce_NewDataFolder_BothSucceedAndTheSharedOutboxHoldsWholeLines()
    {
        await using var together = new TestProject().WithShippedConfig(initialSend: true);
        await using var oneAfterTheOther = new TestProject().WithShippedConfig(initialSend: true);
        var none = new Dictionary<string, string>();

        await using (var a = new WorkerProcess(together, none, "run", "--once", "--sync", Attributes))
        await using (var b = new WorkerProcess(together, none, "run", "--once", "--sync", Events))
        {
            // The state file, the demo warehouse and the outbox are all new: each is created by whichever comes first.
            Assert.Equal((0, 0), (await a.ExitCodeAsync(TimeSpan.FromMinutes(2)), await b.ExitCodeAsync(TimeSpan.FromMinutes(2))));
        }

        Assert.Equal(0, (await oneAfterTheOther.CliAsync("run", "--once", "--sync", Attributes)).ExitCode);
        Assert.Equal(0, (await oneAfterTheOther.CliAsync("run", "--once", "--sync", Events)).ExitCode);
        var lines = Lines(together);
        Assert.All(lines, line => Assert.Equal(["at", "method", "url", "body"], JsonNode.Parse(line)!.AsObject().Select(p => p.Key)));
        Assert.Equal(Urls(Lines(oneAfterTheOther)), Urls(lines));
    }

    private static string[] Lines(TestProject project) => File.ReadAllLines(Path.Combine(project.Paths.OutboxDirectory, "intercom.jsonl"));

    private static List<string> Urls(IEnumerable<string> lines) =>
        lines.Select(l => JsonNode.Parse(l)!["url"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
}
