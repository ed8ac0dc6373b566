using System.Text.Json.Nodes;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

/// <summary>Text past Slack's limits is cut between characters, never inside one: the request stays valid Unicode.</summary>
public class SlackLongTextTests
{
    [Fact]
    public async Task Run_EmojiTextPastTheLimits_CutBetweenCharactersWithAMarker()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table accounts as select 'acc-1' as account_id, 'Zoë ' || repeat('😀', 30000) as note
            union all select 'acc-2', '';
            """);
        project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: "select account_id, note from accounts" }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { initial: send }
                slack:
                  channel: "#cs"
                  text: "{{ row.note }}"
                  blocks: [{ type: section, text: { type: mrkdwn, text: "{{ row.account_id }}: {{ row.note }}" } }]
            """);

        var report = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.Succeeded, 2L), (report.Status, report.Counts.Sent));
        var posts = project.OutboxRequests("chat").Select(r => JsonNode.Parse(r)!["body"]!).ToList();
        var (text, block) = (posts[0]["text"]!.GetValue<string>(), posts[0]["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        // Limits 40,000 and 3,000 code units, the marker one: "Zoë " (4) + 19,997 emoji (2 each) + "…" = 39,999, since
        // one more emoji would not fit; "acc-1: Zoë " (11) + 1,494 emoji + "…" = 3,000.
        Assert.Equal((39_999, 3_000), (text.Length, block.Length));
        Assert.All(new[] { text, block }, t => Assert.EndsWith("😀…", t, StringComparison.Ordinal));
        Assert.StartsWith("acc-1: Zoë 😀", block, StringComparison.Ordinal);
        Assert.Equal(string.Empty, posts[1]["text"]!.GetValue<string>());
    }
}
