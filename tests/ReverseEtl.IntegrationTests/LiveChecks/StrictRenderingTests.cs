using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>
/// Strict templates in a run: a key a row's value lacks (which no check before the run can see) rejects that record
/// with the template and the name, and the others go; null values render empty; awkward text arrives whole.
/// </summary>
public class StrictRenderingTests
{
    [Fact]
    public async Task Run_NestedKeyMissingInOneRow_ThatRecordRejectedWithTheNameNullsRenderEmpty()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", """
            create table accounts as select * from (values
                ('acc_1', 'Zoë & Co — 東京 🎉', map(['owner'], ['Zoë']), null::varchar),
                ('acc_2', 'Other', map(['other'], ['x']), ''),
                ('acc_3', null, map(['owner'], [null::varchar]), 'a <b> note'),
                ('acc_4', repeat('ü', 50000), map(['owner'], ['']), null))
            t(account_id, name, contact, note)
            """);
        project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "true", on: [enter], initial: send }
                slack: { channel: "#cs", text: "[{{ row.name }}] owner=[{{ row.contact.owner }}] note=[{{ row.note }}]" }
            """);

        var report = await project.RunAsync("alerts");

        Assert.Equal((3L, 1L), (report.Counts.Sent, report.Counts.Failed));
        var texts = File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl"))
            .Select(l => JsonNode.Parse(l)!["body"]!["text"]!.GetValue<string>()).ToList();
        Assert.Equal("[Zoë &amp; Co — 東京 🎉] owner=[Zoë] note=[]", texts[0]);
        Assert.Equal("[] owner=[] note=[a &lt;b&gt; note]", texts[1]);
        Assert.Matches("^\\[ü{39000,40000}", texts[2]);
        Assert.True(texts[2].Length <= 40_000);
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal(
            "acc_2: template 'text': 'row.contact.owner' is not defined: 'row.contact' has no key 'owner' (it has: other); fix the template or the model",
            status.LastFailure);
    }
}
