using System.Text.Json.Nodes;
using Npgsql;
using ReverseEtl.IntegrationTests.LiveChecks;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>validate --live and the check before a run on PostgreSQL, for real: its error positions mapped to the files.</summary>
[Collection(UsesPostgres.Name)]
public sealed class PostgresLiveCheckTests(PostgresServer server)
{
    private const string Connection = """{ postgres: { connection_string: "${POSTGRES_CONNECTION_STRING}" } }""";

    [Fact]
    public async Task ValidateLive_SqlErrorInTheModelFile_NamedAtTheFilesOwnLineAndColumn()
    {
        await using var project = await CreateAsync(new LiveCheckProject(DaysExpression: "days_in_stage + nope"));

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        var line = PlayTypoTests.Lines(live.Error)[0];
        Assert.StartsWith("config/models/accounts.sql:5:21: model 'accounts' (sync 'alerts'): the warehouse rejected the query: PostgreSQL (127.0.0.1:", line, StringComparison.Ordinal);
        Assert.EndsWith(") rejected the query for reverse-etl:alerts: 42703: column \"nope\" does not exist", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateLive_TriggerTypoAndTemplateTypo_BothNamedAndTheRunSendsNothing()
    {
        await using var project = await CreateAsync(new LiveCheckProject(When: "days_in_stag >= 7", Text: "{{ row.name }} for {{ row.dayz }} days"));

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once");

        Assert.Equal(2, live.ExitCode);
        var lines = PlayTypoTests.Lines(live.Error);
        Assert.StartsWith("config/project.yaml:15:23: syncs.alerts.trigger.when: the warehouse rejected the trigger condition: PostgreSQL (", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("42703: column \"days_in_stag\" does not exist", lines[0], StringComparison.Ordinal);
        Assert.Equal("config/project.yaml:19:36: syncs.alerts.slack.text: the template reads row.dayz, which the row does not have; the sync's fields are: id, name, days, note", lines[1]);
        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")));
    }

    [Fact]
    public async Task RunOnce_NoMistake_AwkwardRowsArriveWholeAndNullsRenderEmpty()
    {
        await using var project = await CreateAsync(new LiveCheckProject(Text: "[{{ row.name }}] {{ row.days }}d [{{ row.note }}]"));

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once");

        Assert.Equal((0, 0), (live.ExitCode, run.ExitCode));
        var texts = File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")).Select(l => JsonNode.Parse(l)!["body"]!["text"]!.GetValue<string>()).ToList();
        Assert.Equal("[Zoë &amp; Co — 東京 🎉] 20d []", texts[0]);
        Assert.Equal($"[{new string('ü', 39998)}…", texts[1]); // Slack's 40,000 limit
        Assert.Equal(3, texts.Count);
        Assert.StartsWith("[] 9d [see &lt;https://x.test", texts[2], StringComparison.Ordinal);
    }

    private async Task<TestProject> CreateAsync(LiveCheckProject definition)
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                create table accounts as select * from (values
                    ('acc_1', 'Zoë & Co — 東京 🎉', 20::bigint, null::text),
                    ('acc_2', repeat('ü', 50000), 30::bigint, ''),
                    ('acc_3', null, 9::bigint, 'see <https://x.test|link>'))
                t(account_id, account_name, days_in_stage, note)
                """, connection);
            await command.ExecuteNonQueryAsync();
        }

        return definition.Create(Connection).WithVariable("POSTGRES_CONNECTION_STRING", connectionString);
    }
}
