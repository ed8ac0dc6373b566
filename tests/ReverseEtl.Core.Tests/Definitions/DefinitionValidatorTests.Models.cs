using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

/// <summary>Models (connection, primary key, query) and schedules.</summary>
public partial class DefinitionValidatorTests
{
    private const string Warehouse = "version: 1\nconnections:\n  wh: { duckdb: { path: x } }\n  chat: { slack: {} }\nmodels:\n";

    [Fact]
    public void Build_ModelConnectionUnknownOrNotAWarehouse_ReportedAndTheModelStillBuilt()
    {
        var (project, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              a: { connection: nope, primary_key: id, sql: select 1 }
              b: { connection: chat, primary_key: id, sql: select 1 }
            """);

        Assert.Equal(
            [
                "f.yaml:6:20: models.a.connection: no connection named 'nope'; defined: chat, wh",
                "f.yaml:7:20: models.b.connection: 'chat' is a slack connection, not a warehouse",
            ],
            errors);
        Assert.Equal(["a", "b"], project.Models.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_PrimaryKeyColumnsNotPlain_OneErrorEachAtTheKeyList()
    {
        var (_, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              m:
                connection: wh
                primary_key: [ok_id, "account id", Zoë, 1st, $x, a$b, "", 東京, "tab\there"]
                sql: select 1
            """);

        Assert.Equal(
            [
                "f.yaml:8:18: models.m.primary_key: 'account id' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: 'Zoë' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: '1st' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: '$x' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: '' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: '東京' is not a plain column name (letters, digits, '_')",
                "f.yaml:8:18: models.m.primary_key: 'tab\there' is not a plain column name (letters, digits, '_')",
            ],
            errors);
    }

    [Fact]
    public void Build_SqlAndFileBothOrNeither_ModelDroppedWithOneErrorAtIt()
    {
        var (project, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              both: { connection: wh, primary_key: id, sql: select 1, file: m.sql }
              neither: { connection: wh, primary_key: id, dialect_files: { nosuch: x.sql } }
            """);

        Assert.Equal(
            [
                "f.yaml:6:9: models.both: give the query either inline as 'sql' or as a 'file', not both and not neither",
                "f.yaml:7:12: models.neither: give the query either inline as 'sql' or as a 'file', not both and not neither",
            ],
            errors);
        Assert.Empty(project.Models);
    }

    [Fact]
    public void Build_QueryFiles_ReadAsWrittenAndTheConnectionsDialectWins()
    {
        using var folder = new TempConfigFolder()
            .With("models/東京.sql", "select 'Zoë' as id\r\n-- 🎉\r\n")
            .With("models/duckdb/m.sql", "select 'duckdb' as id");

        var (project, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              plain: { connection: wh, primary_key: id, file: models/東京.sql }
              dialect: { connection: wh, primary_key: id, file: models/東京.sql, dialect_files: { duckdb: models/duckdb/m.sql, postgres: models/東京.sql } }
            """, folder.Paths);

        Assert.Empty(errors);
        Assert.Equal(("select 'Zoë' as id\r\n-- 🎉\r\n", "select 'duckdb' as id"), (project.Models["plain"].Sql, project.Models["dialect"].Sql));
    }

    [Fact]
    public void Build_QueryFilesMissingOrDialectUnknown_EachNamedWithTheFullPathLookedAt()
    {
        using var folder = new TempConfigFolder();

        var (_, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              m:
                connection: wh
                primary_key: id
                file: ../outside/missing.sql
                dialect_files:
                  oracle: models/x.sql
            """, folder.Paths);

        Assert.Equal(
            [
                "f.yaml:11:15: models.m.dialect_files.oracle: 'oracle' is not a warehouse type; use one of: duckdb, postgres",
                $"f.yaml:11:15: models.m.dialect_files.oracle: the file 'models/x.sql' does not exist (looked for {Path.Combine(folder.Config, "models", "x.sql")})",
                $"f.yaml:9:11: models.m.file: the file '../outside/missing.sql' does not exist (looked for {Path.Combine(folder.Root, "outside", "missing.sql")})",
            ],
            errors);
    }

    [Fact]
    public void Build_DialectFileChosen_StillChecksTheFileItStandsIn()
    {
        using var folder = new TempConfigFolder().With("models/duckdb.sql", "select 1 as id");

        var (_, errors) = DefinitionText.Build(FakeCatalog.Standard(), Warehouse + """
              m:
                connection: wh
                primary_key: id
                file: models/missing.sql
                dialect_files: { duckdb: models/duckdb.sql }
            """, folder.Paths);

        Assert.Equal([$"f.yaml:9:11: models.m.file: the file 'models/missing.sql' does not exist (looked for {Path.Combine(folder.Config, "models", "missing.sql")})"], errors);
    }

    [Fact]
    public void CheckSchedule_BadCronAndUnknownZone_BothReportedAtTheirValues()
    {
        var errors = CheckSchedule("0 0 25 * * ?", "Mars/Olympus");

        Assert.Equal(
            [
                "f.yaml:7:23: syncs.s.schedule.cron: '0 0 25 * * ?' has an invalid hour field '25': hour takes 0-23, with * for any, lists (1,3), ranges (1-5) and steps (*/15)",
                "f.yaml:7:49: syncs.s.schedule.timezone: 'Mars/Olympus' is not a known time zone; use an IANA name such as Europe/London",
            ],
            errors);
    }

    [Theory]
    [InlineData("0 30 8 ? * MON-FRI", "Europe/London")]
    [InlineData("0 0/15 * * * ?", "Asia/Tokyo")]
    [InlineData("0 0 0 1 1 ? 2030", "UTC")]
    [InlineData("0 0 12 * * ?", null)]
    public void CheckSchedule_ValidCronAndZone_NoError(string cron, string? zone) =>
        Assert.Empty(CheckSchedule(cron, zone));

    private static List<string> CheckSchedule(string cron, string? zone)
    {
        var timezone = zone is null ? string.Empty : $", timezone: {zone}";
        var (body, source) = DefinitionText.Sync($"version: 1\nsyncs:\n  s:\n    model: m\n    destination: d\n    mode: trigger\n    schedule: {{ cron: \"{cron}\"{timezone} }}\n");
        var errors = new List<DefinitionError>();
        new DefinitionValidator(FakeCatalog.Standard(), DefinitionText.NoFiles, errors).CheckSchedule(body.Schedule!, source);
        return errors.Select(e => e.ToString()).ToList();
    }
}
