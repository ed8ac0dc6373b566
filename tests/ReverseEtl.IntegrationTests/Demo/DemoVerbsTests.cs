using DuckDB.NET.Data;
using ReverseEtl.Warehouses.DuckDb.Demo;

namespace ReverseEtl.IntegrationTests.Demo;

/// <summary>The demo verbs on the shipped config: what they refuse, stagnate, reset, and advancing in steps.</summary>
public class DemoVerbsTests
{
    internal const string DemoFile = "demo-warehouse.duckdb";

    [Fact]
    public async Task DemoAdvance_ModelsReadFromPostgres_RefusedNamingTheConnectionAndWhy()
    {
        await using var project = new TestProject().WithShippedConfig()
            .WithVariable("RETL_WAREHOUSE", "postgres").WithVariable("POSTGRES_CONNECTION_STRING", "Host=127.0.0.1;Port=1;Database=analytics;Username=retl");

        var refused = await project.CliAsync("demo", "advance", "--days", "7");

        Assert.Equal((2, """
            demo: connection 'postgres' (the connection the models read from) is a postgres warehouse, not the demo: the demo verbs change only the generated demo warehouse (a duckdb connection with demo: true), never a warehouse of yours. To use the demo, run with RETL_WAREHOUSE=duckdb or name a demo connection with --connection.
            """), (refused.ExitCode, refused.Error.Trim()));
        Assert.False(File.Exists(Path.Combine(project.Paths.DataDirectory, DemoFile)));
    }

    [Fact]
    public async Task DemoVerbs_DestinationOrOwnDuckDbFileOrUnknownConnection_EachRefusedAndTheFileUntouched()
    {
        await using var project = new TestProject().WithShippedConfig().WithFile("own.yaml", """
            version: 1
            connections:
              mine:
                duckdb: { path: mine.duckdb, demo: false }
            """);
        project.Sql("mine.duckdb", "create table account_activation as select 'acc_0001' as account_id, 'signed_up' as onboarding_stage");
        var mine = Path.Combine(project.Paths.DataDirectory, "mine.duckdb");
        var before = File.ReadAllBytes(mine);

        var own = await project.CliAsync("demo", "reset", "--connection", "mine");
        var destination = await project.CliAsync("demo", "stagnate", "--account", "acc_0001", "--connection", "slack");
        var unknown = await project.CliAsync("demo", "advance", "--days", "1", "--connection", "nowhere");

        Assert.Equal((2, $"demo: connection 'mine' is the DuckDB file {mine} (demo: false), not the demo: the demo verbs change only the generated demo warehouse (a duckdb connection with demo: true), never a warehouse of yours."), (own.ExitCode, own.Error.Trim()));
        Assert.Equal((2, "demo: connection 'slack' is a slack destination, not the demo: the demo verbs change only the generated demo warehouse (a duckdb connection with demo: true), never a warehouse of yours. To use the demo, run with RETL_WAREHOUSE=duckdb or name a demo connection with --connection."), (destination.ExitCode, destination.Error.Trim()));
        Assert.Equal((2, "demo: there is no connection 'nowhere'; defined: duckdb, hubspot, intercom, mine, partner-webhook, postgres, salesforce, slack, snowflake."), (unknown.ExitCode, unknown.Error.Trim()));
        Assert.Equal(before, File.ReadAllBytes(mine));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3651")]
    public async Task DemoAdvance_DaysOutOfRange_RefusedWithTheRange(string days)
    {
        await using var project = new TestProject().WithShippedConfig();

        var refused = await project.CliAsync("demo", "advance", "--days", days);

        Assert.Equal((2, $"demo advance: --days must be a whole number from 1 to 3650, not {days}."), (refused.ExitCode, refused.Error.Trim()));
    }

    [Theory]
    [InlineData("acc_9999")]
    [InlineData("acc_0001'; drop table account_activation; --")]
    [InlineData("acc_Zoë")]
    [InlineData("")]
    public async Task DemoStagnate_UnknownAccount_NamedWithTheRangeOfAccountsAndNothingChanged(string account)
    {
        await using var project = new TestProject().WithShippedConfig();
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        DemoWarehouse.Generate(path);
        var before = Fingerprint(path);

        var refused = await project.CliAsync("demo", "stagnate", "--account", account);

        Assert.Equal((1, $"demo stagnate: there is no account '{account}' in the demo warehouse {path}; its accounts are acc_0001 to acc_3002."), (refused.ExitCode, refused.Error.Trim()));
        Assert.Equal(before, Fingerprint(path));
    }

    [Fact]
    public async Task DemoStagnate_ActivatedAccount_RefusedNamingOneThatCan()
    {
        await using var project = new TestProject().WithShippedConfig();
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        DemoWarehouse.Generate(path);
        var activated = (string)Scalar(path, "select min(account_id) from account_activation where is_activated")!;
        var onboarding = (string)Scalar(path, "select min(account_id) from account_activation where not is_activated")!;

        var refused = await project.CliAsync("demo", "stagnate", "--account", activated);

        Assert.Equal((1, $"demo stagnate: account '{activated}' is activated, and only an account still onboarding can stagnate; pick one that is not, such as {onboarding}."), (refused.ExitCode, refused.Error.Trim()));
    }

    [Fact]
    public async Task DemoStagnate_AnAccountOnboarding_TheNextRunAlertsItsCsmOnce()
    {
        await using var project = new TestProject().WithShippedConfig();
        var first = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        var account = (string)Scalar(path, "select min(account_id) from account_activation where not is_activated and days_in_stage < 7")!;

        var stagnate = await project.CliAsync("demo", "stagnate", "--account", account);
        var alerted = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");
        var again = await project.CliAsync("run", "--once", "--sync", "stagnant-onboarding-alerts");

        Assert.Equal((0, 0, 0, 0), (first.ExitCode, stagnate.ExitCode, alerted.ExitCode, again.ExitCode));
        Assert.Matches($@"^Demo warehouse .+: {account} has been in \w+ since 2025-04-20 08:00 UTC, 30 days at the refresh: stagnant by play \(a\)'s rule\.", stagnate.Output);
        Assert.Contains("; 1 sent, 0 failed", alerted.Output, StringComparison.Ordinal);
        Assert.Contains("; 0 sent, 0 failed", again.Output, StringComparison.Ordinal);
        var post = Assert.Single(File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, "slack.jsonl")), l => l.Contains("chat.postMessage", StringComparison.Ordinal));
        Assert.Contains($"Account {account} ", post, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoReset_AfterAdvanceAndStagnate_GivesBackTheGeneratedData()
    {
        await using var project = new TestProject().WithShippedConfig();
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        var generated = Path.Combine(project.Root, "generated.duckdb");
        DemoWarehouse.Generate(generated);

        var advanced = await project.CliAsync("demo", "advance", "--days", "3");
        var moved = Fingerprint(path);
        var reset = await project.CliAsync("demo", "reset");

        Assert.Equal((0, 0), (advanced.ExitCode, reset.ExitCode));
        Assert.NotEqual(Fingerprint(generated), moved);
        Assert.Equal(Fingerprint(generated), Fingerprint(path));
        Assert.StartsWith($"Demo warehouse {path}: back to the generated data.", reset.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_SevenDaysTwice_SameWarehouseAsFourteenDaysOnce()
    {
        var folder = Directory.CreateTempSubdirectory("retl-demo-").FullName;
        try
        {
            var (steps, once) = (Path.Combine(folder, "steps.duckdb"), Path.Combine(folder, "once.duckdb"));
            DemoWarehouse.Generate(steps);
            DemoWarehouse.Generate(once);

            var week1 = DemoTimeline.Advance(steps, 7);
            var week2 = DemoTimeline.Advance(steps, 7);
            var fortnight = DemoTimeline.Advance(once, 14);

            Assert.Equal(Fingerprint(once), Fingerprint(steps));
            Assert.Equal((week1.StageMoves + week2.StageMoves, week1.NewOverlaps + week2.NewOverlaps), (fortnight.StageMoves, fortnight.NewOverlaps));
            Assert.Equal((new DateTime(2025, 6, 3, 8, 0, 0, DateTimeKind.Utc), week1.To), (fortnight.To, week2.From));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DemoAdvance_WarehouseOpenElsewhere_FailsNamingTheFileAndWhatToDo()
    {
        await using var project = new TestProject().WithShippedConfig();
        var path = Path.Combine(project.Paths.DataDirectory, DemoFile);
        DemoWarehouse.Generate(path);
        var before = Fingerprint(path);
        using (var reader = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY"))
        {
            reader.Open();

            var busy = await project.CliAsync("demo", "advance", "--days", "1");

            Assert.Equal(1, busy.ExitCode);
            Assert.StartsWith($"The demo warehouse {path} could not be changed (is a worker or another command using it? stop it and try again): ", busy.Error, StringComparison.Ordinal);
        }

        Assert.Equal(before, Fingerprint(path));
    }

    /// <summary>Every row of the three demo tables, hashed in key order: equal fingerprints mean equal tables.</summary>
    internal static string Fingerprint(string path) => string.Join(' ', new[]
    {
        "select md5(string_agg(cast(t as varchar), '|' order by account_id)) from account_activation t",
        "select md5(string_agg(cast(t as varchar), '|' order by overlap_id)) from account_partner_overlaps t",
        "select md5(string_agg(cast(t as varchar), '|' order by user_id)) from account_users t",
    }.Select(sql => Scalar(path, sql)));

    internal static object? Scalar(string path, string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
