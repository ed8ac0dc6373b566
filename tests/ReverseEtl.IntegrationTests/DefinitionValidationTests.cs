namespace ReverseEtl.IntegrationTests;

public class DefinitionValidationTests
{
    private const string Connections = """
        version: 1
        connections:
          wh:
            duckdb: { path: wh.duckdb, demo: true }
          chat:
            slack: { token: "", base_url: "http://127.0.0.1:9/api" }
        models:
          accounts:
            connection: wh
            primary_key: account_id
            sql: select 1 as account_id
        """;

    [Fact]
    public async Task Load_EveryKindOfMistake_ReportsEachWithFileLineColumnPathAndValue()
    {
        await using var project = new TestProject()
            .WithFile("base.yaml", Connections)
            .WithFile("syncs.yaml", """
                version: 1
                syncs:
                  alerts:
                    model: acounts
                    destination: wh
                    mode: upsrt
                    colour: blue
                    schedule: { cron: "every monday", timezone: Mars/Olympus }
                """);

        Assert.Equal(
            [
                "config/syncs.yaml:6:11: syncs.alerts.mode: 'upsrt' is not allowed; expected one of: trigger, upsert, update_only, create_only, mirror",
                "config/syncs.yaml:7:5: syncs.alerts.colour: unknown key 'colour'; expected one of: description, enabled, model, destination, mode, trigger, fields, schedule, batch_size, delete_limit_percent, diff, limits, alerts, log, slack, hubspot, slack_webhook, intercom, salesforce",
            ],
            project.Errors());
    }

    [Fact]
    public async Task Load_ReferencesAndValuesWrong_ReportsEveryProblemAtOnce()
    {
        await using var project = new TestProject()
            .WithFile("base.yaml", Connections)
            .WithFile("syncs.yaml", """
                version: 1
                syncs:
                  alerts:
                    model: acounts
                    destination: wh
                    mode: trigger
                    schedule: { cron: "every monday", timezone: Mars/Olympus }
                    slack: { channel: "#x", text: "{{ row.name " }
                """);

        var errors = project.Errors();
        Assert.Equal(4, errors.Count);
        Assert.Equal("config/syncs.yaml:4:12: syncs.alerts.model: no model named 'acounts'; defined: accounts", errors[0]);
        Assert.Equal("config/syncs.yaml:5:18: syncs.alerts.destination: 'wh' is a duckdb connection, not a destination", errors[1]);
        Assert.Equal("config/syncs.yaml:7:23: syncs.alerts.schedule.cron: 'every monday' has 2 field(s); write five (minute hour day-of-month month day-of-week) or Quartz's six or seven (second minute hour day-of-month month day-of-week [year])", errors[2]);
        Assert.Equal("config/syncs.yaml:7:49: syncs.alerts.schedule.timezone: 'Mars/Olympus' is not a known time zone; use an IANA name such as Europe/London", errors[3]);
    }

    [Fact]
    public async Task Load_UnsetEnvironmentVariableAndSyntaxError_NamesTheVariableAndTheSpot()
    {
        await using var project = new TestProject()
            .WithFile("a.yaml", """
                version: 1
                connections:
                  chat:
                    slack: { token: "${RETL_TEST_SURELY_UNSET_VAR}" }
                """)
            .WithFile("b.yaml", "version: 1\nmodels: [unclosed\n");

        var errors = project.Errors();
        Assert.Equal("config/a.yaml:4:21: connections.chat.slack.token: environment variable 'RETL_TEST_SURELY_UNSET_VAR' is not set; set it, or give a default with ${RETL_TEST_SURELY_UNSET_VAR:-default}", errors[0]);
        Assert.StartsWith("config/b.yaml:3:1: YAML syntax:", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ModeTheDestinationCannotDo_NamesTheModesItCan()
    {
        await using var project = new TestProject()
            .WithFile("base.yaml", Connections)
            .WithFile("syncs.yaml", """
                version: 1
                connections:
                  crm: { intercom: { token: "" } }
                syncs:
                  alerts:
                    model: accounts
                    destination: chat
                    mode: mirror
                    delete_limit_percent: 50
                    slack: { channel: "#x", text: hi }
                  events:
                    model: accounts
                    destination: crm
                    mode: upsert
                    delete_limit_percent: 5
                    intercom: { object: events, event_name: x, user_id: account_id, created_at: account_id }
                """);

        Assert.Equal(
            [
                "config/syncs.yaml:8:11: syncs.alerts.mode: 'mirror' is not supported by slack destinations; supported: trigger",
                "config/syncs.yaml:15:27: syncs.events.delete_limit_percent: 'delete_limit_percent' applies only to 'mode: mirror'",
                "config/syncs.yaml:16:25: syncs.events.intercom.object: events are written with mode 'trigger', not 'upsert'",
            ],
            project.Errors());
    }

    [Fact]
    public async Task Load_DialectFiles_ChosenByTheConnectionsType()
    {
        await using var project = new TestProject()
            .WithFile("models/duckdb.sql", "select 'duckdb' as account_id")
            .WithFile("models/postgres.sql", "select 'postgres' as account_id")
            .WithFile("project.yaml", """
                version: 1
                connections:
                  wh: { duckdb: { path: wh.duckdb, demo: true } }
                models:
                  chosen: { connection: wh, primary_key: account_id, file: models/postgres.sql, dialect_files: { duckdb: models/duckdb.sql } }
                  fallback: { connection: wh, primary_key: account_id, sql: select 1 as account_id, dialect_files: { postgres: models/postgres.sql } }
                """);

        var models = project.Load().Project!.Models;

        Assert.Equal(("select 'duckdb' as account_id", "select 1 as account_id"), (models["chosen"].Sql, models["fallback"].Sql));
    }

    [Fact]
    public async Task Load_DialectFilesWrong_NamesTheTypeOrTheMissingFileEvenWhenNotChosen()
    {
        await using var project = new TestProject().WithFile("models/duckdb.sql", "select 1 as account_id").WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb, demo: true } }
            models:
              broken: { connection: wh, primary_key: account_id, file: models/duckdb.sql, dialect_files: { snowflake: models/snowflake.sql, oracle: models/duckdb.sql } }
            """);

        Assert.Equal(
            [
                $"config/project.yaml:5:107: models.broken.dialect_files.snowflake: the file 'models/snowflake.sql' does not exist (looked for {Path.Combine(project.Paths.ConfigDirectory, "models", "snowflake.sql")})",
                "config/project.yaml:5:137: models.broken.dialect_files.oracle: 'oracle' is not a warehouse type; use one of: duckdb, postgres, snowflake",
            ],
            project.Errors());
    }

    [Fact]
    public async Task Load_ShippedConfig_IsValid()
    {
        await using var project = new TestProject();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Config, "*", SearchOption.AllDirectories))
        {
            project.WithFile(Path.GetRelativePath(RepositoryPaths.Config, file), File.ReadAllText(file));
        }

        var result = project.Load();
        Assert.Empty(result.Errors);
        Assert.Contains("stagnant-onboarding-alerts", result.Project!.Syncs.Keys);
    }
}
