using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Play (b) on the whole demo, NULLs included: Intercom refused 35 of 497 onboarding-stage-entered events (422) when
/// an account with every partner tool adopted sent <c>metadata.suggested_integration: null</c> (issue 15).
/// </summary>
public sealed class ShippedIntercomBodiesTests
{
    [Fact]
    public async Task RunOnce_PlayBOnTheWholeDemo_EveryEventAndContactValidatesAgainstIntercomsDescription()
    {
        await using var project = new TestProject().WithShippedConfig();

        var run = await project.CliAsync("run", "--once", "--sync", "intercom-stage-entered-events");
        var contacts = await project.CliAsync("run", "--once", "--sync", "intercom-onboarding-attributes");

        Assert.Equal((0, 0), (run.ExitCode, contacts.ExitCode));
        var requests = project.OutboxRequests("intercom").Select(r => JsonNode.Parse(r)!).ToList();
        var events = Bodies(requests, "/events");
        Assert.Equal(499, events.Count);
        var unsuggested = events.Where(e => e["metadata"]!["suggested_integration"] is null).ToList();
        Assert.Equal(35, unsuggested.Count); // every partner tool adopted: nothing to suggest
        Assert.All(events.Where(e => e["user_id"]!.GetValue<string>().StartsWith("usr_3001_", StringComparison.Ordinal)), e =>
            Assert.Equal("Slack", e["metadata"]!["suggested_integration"]!.GetValue<string>())); // not Quillmark: it has no domain
        Assert.All(unsuggested, e => Assert.DoesNotContain("suggested_integration", e["metadata"]!.AsObject().Select(p => p.Key)));
        var contract = OpenApiContract.Get("intercom-2.14.yaml");
        Assert.All(events, e => Assert.Empty(contract.ValidateRequest("/events", "post", e.ToJsonString())));
        Assert.All(Bodies(requests, "/contacts"), c => Assert.Empty(contract.ValidateRequest("/contacts", "post", c.ToJsonString())));
    }

    private static List<JsonNode> Bodies(List<JsonNode> requests, string path) =>
        requests.Where(r => r["method"]!.GetValue<string>() == "POST" && new Uri(r["url"]!.GetValue<string>()).AbsolutePath == path)
            .Select(r => r["body"]!).ToList();
}
