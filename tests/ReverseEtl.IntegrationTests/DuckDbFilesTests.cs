using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

/// <summary>DuckDB models may read Parquet and CSV files, named relative to the data directory.</summary>
public class DuckDbFilesTests
{
    [Fact]
    public async Task Sync_ModelJoiningParquetAndCsvFiles_ReadsThemFromTheDataDirectory()
    {
        await using var project = new TestProject();
        File.WriteAllText(Path.Combine(project.Paths.DataDirectory, "csms.csv"), "account_id,csm_email\nacc_1,jane.doe@ourco.example\nacc_2,omar.haddad@ourco.example\n");
        project.Sql("scratch.duckdb", $"copy (select 'acc_' || i as account_id, i * 10 as days_in_stage from range(1, 4) t(i)) to '{Path.Combine(project.Paths.DataDirectory, "accounts.parquet")}' (format parquet)");
        project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: empty.duckdb, demo: false } }
              chat: { slack: { token: "" } }
            models:
              accounts:
                connection: wh
                primary_key: account_id
                sql: select a.account_id, a.days_in_stage, c.csm_email from read_parquet('accounts.parquet') a left join read_csv('csms.csv') c using (account_id)
            syncs:
              alerts:
                model: accounts
                destination: chat
                mode: trigger
                trigger: { when: "days_in_stage >= 20", initial: send }
                slack: { channel: "#cs", user_email: "{{ row.csm_email }}", text: "{{ row.account_id }}: {{ row.days_in_stage }} days" }
            """);
        project.Sql("empty.duckdb", "select 1");

        var report = await project.RunAsync("alerts");

        Assert.Equal((RunStatus.Succeeded, 3L, 2L), (report.Status, report.Counts.RowsRead, report.Counts.Sent));
        var posts = File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")).Where(l => l.Contains("chat.postMessage", StringComparison.Ordinal)).ToList();
        Assert.Contains(posts, p => p.Contains("acc_2: 20 days", StringComparison.Ordinal));
        Assert.Contains(posts, p => p.Contains("acc_3: 30 days", StringComparison.Ordinal) && p.Contains("\"channel\":\"#cs\"", StringComparison.Ordinal));
    }
}
