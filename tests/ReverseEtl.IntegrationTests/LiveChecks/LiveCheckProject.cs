namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>
/// One sync over a small DuckDB table, with each piece the live check looks at open to a mistake. The positions in the
/// tests below are those of this text: keep its lines where they are.
/// </summary>
internal sealed record LiveCheckProject(
    string PrimaryKey = "account_id",
    string When = "days_in_stage >= 7",
    string NameColumn = "account_name",
    string Text = "{{ row.name }} has been stuck for {{ row.days }} days",
    string DaysExpression = "days_in_stage")
{
    public TestProject Create(string connection = "{ duckdb: { path: wh.duckdb } }")
    {
        var project = new TestProject();
        if (connection.Contains("duckdb", StringComparison.Ordinal))
        {
            project.Sql("wh.duckdb", Table);
        }

        return project.WithFile("models/accounts.sql", $"""
                -- accounts, with a comment line first
                select
                    account_id,
                    account_name,
                    {DaysExpression} as days_in_stage,
                    note
                from accounts
                """)
            .WithFile("project.yaml", $$"""
                version: 1
                connections:
                  wh: {{connection}}
                  chat: { slack: { token: "" } }
                models:
                  accounts:
                    connection: wh
                    primary_key: {{PrimaryKey}}
                    file: models/accounts.sql
                syncs:
                  alerts:
                    model: accounts
                    destination: chat
                    mode: trigger
                    trigger: { when: "{{When}}", on: [enter], initial: send }
                    fields: { id: account_id, name: {{NameColumn}}, days: days_in_stage, note: note }
                    slack:
                      channel: "#cs"
                      text: "{{Text}}"
                """);
    }

    /// <summary>Awkward rows: non-ASCII, a very long text, nulls and an empty string.</summary>
    public const string Table = """
        create table accounts as select * from (values
            ('acc_1', 'Zoë & Co — 東京 🎉', 20::bigint, null::varchar),
            ('acc_2', repeat('ü', 50000), 30::bigint, ''),
            ('acc_3', null, 9::bigint, 'see <https://x.test|link>'))
        t(account_id, account_name, days_in_stage, note)
        """;
}
