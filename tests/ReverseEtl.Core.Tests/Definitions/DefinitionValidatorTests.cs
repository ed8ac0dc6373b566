using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

/// <summary>Connections, names and the project as a whole; models, queries and schedules are in the other part.</summary>
public partial class DefinitionValidatorTests
{
    [Fact]
    public void Build_ValidDefinitions_BuildsEveryOneWithItsSettings()
    {
        var (project, errors) = DefinitionText.Build(FakeCatalog.Standard(), """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb, demo: true } }
              chat: { slack: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: [account_id, region], sql: "select 'Zoë' as account_id, '東京' as region" }
            syncs:
              alerts: { model: accounts, destination: chat, mode: trigger, slack: { text: "{{ row.account_id }}" } }
            """);

        Assert.Empty(errors);
        Assert.Same(DefinitionText.NoFiles, project.Paths);
        var (wh, chat) = (project.Connections["wh"], project.Connections["chat"]);
        Assert.Equal((true, "duckdb", """{"path":"wh.duckdb","demo":true}"""), (wh.IsWarehouse, wh.Settings.Type, wh.Settings.Options.GetRawText()));
        Assert.Equal((false, "slack", """{"token":""}"""), (chat.IsWarehouse, chat.Settings.Type, chat.Settings.Options.GetRawText()));
        var model = project.Models["accounts"];
        Assert.Equal(("wh", "select 'Zoë' as account_id, '東京' as region"), (model.Connection, model.Sql));
        Assert.Equal(["account_id", "region"], model.PrimaryKey);
        Assert.Equal(SyncMode.Trigger, project.Syncs["alerts"].Mode);
    }

    private const string NameRule = "may hold only lower-case letters, digits, '-' and '_', must start with a letter or digit, and may be at most 64 characters long";

    [Theory]
    [InlineData("Zoë")]
    [InlineData("東京")]
    [InlineData("🎉")]
    [InlineData("Upper")]
    [InlineData("_private")]
    [InlineData("-dash")]
    [InlineData("a.b")]
    [InlineData("has space")]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("ok\ttab")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x1234")]
    public void Build_ConnectionModelOrSyncNameOutsideTheAllowedSet_ReportedAtItsKeyWithTheName(string name)
    {
        var (_, errors) = DefinitionText.Build(FakeCatalog.Standard(), $$"""
            version: 1
            connections:
              "{{Escaped(name)}}": { duckdb: { path: x } }
              chat: { slack: { token: "" } }
            models:
              "{{Escaped(name)}}": { connection: chat, primary_key: id, sql: select 1 as id }
            syncs:
              "{{Escaped(name)}}": { model: m, destination: chat, mode: trigger, slack: { text: x } }
            """);

        Assert.Equal(
            [
                $"f.yaml:3:3: connections.{name}: the name '{name}' {NameRule}",
                $"f.yaml:6:3: models.{name}: the name '{name}' {NameRule}",
                $"f.yaml:8:3: syncs.{name}: the name '{name}' {NameRule}",
            ],
            errors.Where(e => e.Contains(NameRule, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("9lives")]
    [InlineData("a_b-c")]
    [InlineData("trailing-")]
    [InlineData("stagnant-onboarding-alerts")]
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x123")]
    public void Build_NamesInTheAllowedSet_NoError(string name) =>
        Assert.Empty(DefinitionText.Build(FakeCatalog.Standard(), $$"""
            version: 1
            connections:
              {{name}}: { duckdb: { path: x } }
              chat: { slack: { token: "" } }
            models:
              {{name}}: { connection: {{name}}, primary_key: id, sql: select 1 as id }
            syncs:
              {{name}}: { model: {{name}}, destination: chat, mode: trigger, slack: { text: x } }
            """).Errors);

    private static string Escaped(string name) => name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    [Fact]
    public void Build_TypeWithoutAConnector_ConnectionDroppedAndItsModelsToldSo()
    {
        var (project, errors) = DefinitionText.Build(FakeCatalog.Standard(), """
            version: 1
            connections:
              sf:
                snowflake: { account: x }
            models:
              m: { connection: sf, primary_key: id, sql: select 1 }
            """);

        Assert.Equal(
            [
                "f.yaml:4:16: connections.sf.snowflake: no connector for type 'snowflake' is installed in this build",
                "f.yaml:6:20: models.m.connection: no connection named 'sf'; defined: (none)",
            ],
            errors);
        Assert.Empty(project.Connections);
    }

    [Fact]
    public void Build_WarehouseProblems_ReportedOnceAndOnlyForAWarehouseAModelUses()
    {
        var catalog = FakeCatalog.Standard(new ConfigProblem("connection_string", "is empty; set POSTGRES_CONNECTION_STRING"), new ConfigProblem(string.Empty, "cannot reach 東京"));

        var (project, errors) = DefinitionText.Build(catalog, """
            version: 1
            connections:
              used: { postgres: { connection_string: "" } }
              unused: { postgres: { connection_string: "" } }
            models:
              a: { connection: used, primary_key: id, sql: select 1 }
              b: { connection: used, primary_key: id, sql: select 2 }
            """);

        Assert.Equal(
            [
                "f.yaml:3:42: connections.used.postgres.connection_string: is empty; set POSTGRES_CONNECTION_STRING",
                "f.yaml:3:21: connections.used.postgres: cannot reach 東京",
            ],
            errors);
        Assert.Equal(["a", "b"], project.Models.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_DestinationConnectionProblems_ReportedEvenWhenNoSyncUsesIt()
    {
        var slack = new FakeDestinationConnector("slack", SyncMode.Trigger)
        {
            ConnectionProblems = c => [new ConfigProblem("base_url", $"'{c.Options.GetProperty("base_url").GetString()}' is not an http(s) URL")],
        };

        var (project, errors) = DefinitionText.Build(FakeCatalog.With(slack), """
            version: 1
            connections:
              chat: { slack: { base_url: "ftp://zoë" } }
            """);

        Assert.Equal(["f.yaml:3:30: connections.chat.slack.base_url: 'ftp://zoë' is not an http(s) URL"], errors);
        Assert.False(project.Connections["chat"].IsWarehouse);
    }

    [Fact]
    public void Names_EmptyOrNot_NoneOrOrdinalOrder()
    {
        Assert.Equal("(none)", DefinitionValidator.Names([]));
        Assert.Equal("B, Zoë, _x, a, b, 東京", DefinitionValidator.Names(["b", "東京", "B", "a", "Zoë", "_x"]));
    }
}
