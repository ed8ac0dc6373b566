using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

public class SchemaValidatorTests
{
    private static readonly SchemaValidator Schema = SchemaValidator.Load();

    [Fact]
    public void Validate_ErrorsAlreadyListed_ReturnsWhetherItAddedAny()
    {
        var errors = new List<DefinitionError> { new(new SourceLocation("other.yaml", 1, 1), string.Empty, "earlier") };
        var (goodRoot, goodMap) = Parse("version: 1\n");
        var (badRoot, badMap) = Parse("version: 2\n");

        Assert.True(Schema.Validate(goodRoot, goodMap, errors));
        Assert.False(Schema.Validate(badRoot, badMap, errors));
        Assert.Equal(["other.yaml:1:1: earlier", "f.yaml:1:10: version: '2' is not allowed; expected one of: 1"], errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("enabled: yes", "f.yaml:7:14: syncs.s.enabled: 'yes' must be true or false")]
    [InlineData("batch_size: 1.5", "f.yaml:7:17: syncs.s.batch_size: '1.5' must be a whole number")]
    [InlineData("delete_limit_percent: lots", "f.yaml:7:27: syncs.s.delete_limit_percent: 'lots' must be a number")]
    [InlineData("description: 5", "f.yaml:7:18: syncs.s.description: '5' must be text")]
    [InlineData("trigger: { on: enter }", "f.yaml:7:20: syncs.s.trigger.on: 'enter' must be a list")]
    [InlineData("fields: [a]", "f.yaml:7:13: syncs.s.fields: this value must be a mapping of keys to values")]
    [InlineData("trigger: { when: '' }", "f.yaml:7:22: syncs.s.trigger.when: '' must not be empty")]
    public void Validate_ValueOfTheWrongType_WordedForTheAuthorAtTheValue(string line, string expected) =>
        Assert.Equal([expected], SyncErrors(line));

    [Theory]
    [InlineData("batch_size: 0", "f.yaml:7:17: syncs.s.batch_size: '0' must be at least 1")]
    [InlineData("batch_size: 10001", "f.yaml:7:17: syncs.s.batch_size: '10001' must be at most 10000")]
    [InlineData("delete_limit_percent: -0.5", "f.yaml:7:27: syncs.s.delete_limit_percent: '-0.5' must be at least 0")]
    [InlineData("delete_limit_percent: 100.5", "f.yaml:7:27: syncs.s.delete_limit_percent: '100.5' must be at most 100")]
    [InlineData("diff: both", "f.yaml:7:11: syncs.s.diff: 'both' is not allowed; expected one of: worker, warehouse")]
    [InlineData("schedule: { cron: x, misfire: later }", "f.yaml:7:35: syncs.s.schedule.misfire: 'later' is not allowed; expected one of: run_once, skip")]
    public void Validate_ValueOutOfRangeOrSet_NamesTheBoundOrTheChoices(string line, string expected) =>
        Assert.Equal([expected], SyncErrors(line));

    [Theory]
    [InlineData("trigger: { on: [] }", "f.yaml:7:20: syncs.s.trigger.on: this value needs at least 1 item(s)")]
    [InlineData("trigger: { on: [enter, enter] }", "f.yaml:7:20: syncs.s.trigger.on: this value lists an item more than once")]
    [InlineData("intercom: { metadata: [a, b, c, d, e, f, g, h, i, j, k] }", "f.yaml:7:27: syncs.s.intercom.metadata: this value may have at most 10 item(s)")]
    public void Validate_ListOfTheWrongSize_NamesTheRule(string line, string expected) =>
        Assert.Equal([expected], SyncErrors(line));

    [Theory]
    [InlineData("schedule: { cron: x, tz: UTC }", "f.yaml:7:26: syncs.s.schedule.tz: unknown key 'tz'; expected one of: cron, timezone, misfire")]
    [InlineData("farbe_ö: blau", "f.yaml:7:5: syncs.s.farbe_ö: unknown key 'farbe_ö'; expected one of: description, enabled, model, destination, mode, trigger, fields, schedule, batch_size, delete_limit_percent, diff, limits, alerts, log, slack, hubspot, slack_webhook, intercom, salesforce")]
    [InlineData("slack: { channel: x }", "f.yaml:7:12: syncs.s.slack: missing required key 'text'")]
    public void Validate_UnknownOrMissingKey_UnknownAtItsKeyMissingAtTheMapping(string line, string expected) =>
        Assert.Equal([expected], SyncErrors(line));

    [Fact]
    public void Validate_CrlfFileMissingSeveralKeys_OneErrorEachAtTheMapping()
    {
        Assert.Equal(
            ["f.yaml:4:5: syncs.s: missing required key 'model'", "f.yaml:4:5: syncs.s: missing required key 'destination'"],
            Errors("version: 1\r\nsyncs:\r\n  s:\r\n    mode: upsert\r\n"));
    }

    [Fact]
    public void Validate_ConnectionWithNoneOrTwoTypes_NeedsExactlyOneKey()
    {
        const string Expected = "needs exactly one key naming its type; expected one of: duckdb, postgres, snowflake, slack, hubspot, slack_webhook, intercom, salesforce";

        Assert.Equal(
            [$"f.yaml:3:9: connections.none: {Expected}", $"f.yaml:4:9: connections.both: {Expected}"],
            Errors("version: 1\nconnections:\n  none: {}\n  both: { duckdb: { path: x }, slack: {} }\n"));
    }

    [Fact]
    public void Validate_PatternOrSeveralTypes_NamesThePatternOrTheTypes()
    {
        Assert.Equal(
            [
                "f.yaml:3:36: connections.sf.salesforce.api_version: 'v62' does not match the pattern ^v[0-9]+\\.[0-9]$",
                "f.yaml:5:36: models.m.primary_key: '5' must be one of these types: array, string",
            ],
            Errors("version: 1\nconnections:\n  sf: { salesforce: { api_version: v62 } }\nmodels:\n  m: { connection: w, primary_key: 5, sql: x }\n"));
    }

    [Fact]
    public void Validate_KeysWithDotsBracketsAndNonAscii_PathAndLocationOfThatKey()
    {
        Assert.Equal(
            [
                "f.yaml:7:22: syncs.s.fields.a.b: '' must not be empty",
                "f.yaml:7:33: syncs.s.fields.x[y: '' must not be empty",
                "f.yaml:7:42: syncs.s.fields.Zoë: '' must not be empty",
                "f.yaml:7:50: syncs.s.fields.東京: '' must not be empty",
            ],
            SyncErrors("""fields: { "a.b": "", "x[y": "", Zoë: "", 東京: "" }"""));
    }

    [Fact]
    public void Validate_TriggerInitialUnknown_NamesTheChoices() =>
        Assert.Equal(["f.yaml:7:25: syncs.s.trigger.initial: 'all' is not allowed; expected one of: skip, send"], SyncErrors("trigger: { initial: all }"));

    [Fact]
    public void Validate_KeyWithAnApostrophe_PathAndLocationOfThatKey() =>
        Assert.Equal(["f.yaml:7:23: syncs.s.fields.it's: '' must not be empty"], SyncErrors("""fields: { "it's": "" }"""));

    [Fact]
    public void Validate_KeysWithQuotesBackslashesAndBrackets_PathAsWritten()
    {
        Assert.Equal(
            [
                "f.yaml:7:23: syncs.s.fields.a']b: '' must not be empty",
                "f.yaml:7:35: syncs.s.fields.c\\d: '' must not be empty",
                "f.yaml:8:5: syncs.s.x[y: unknown key 'x[y'; expected one of: description, enabled, model, destination, mode, trigger, fields, schedule, batch_size, delete_limit_percent, diff, limits, alerts, log, slack, hubspot, slack_webhook, intercom, salesforce",
            ],
            SyncErrors("""fields: { "a']b": "", "c\\d": "" }""" + "\n    \"x[y\": 1"));
        Assert.Equal(
            ["f.yaml:3:28: connections.a'b.duckdb.path: '5' must be text"],
            Errors("version: 1\nconnections:\n  \"a'b\": { duckdb: { path: 5 } }\n"));
    }

    [Fact]
    public void Validate_EmptyPrimaryKeyList_SaysItNeedsAnItem() =>
        Assert.Equal(
            ["f.yaml:3:36: models.m.primary_key: this value needs at least 1 item(s)"],
            Errors("version: 1\nmodels:\n  m: { connection: w, primary_key: [], sql: x }\n"));

    [Theory]
    [InlineData("\"\"", "f.yaml:3:36: models.m.primary_key: '' must not be empty")]
    [InlineData("[\"\"]", "f.yaml:3:37: models.m.primary_key[0]: '' must not be empty")]
    [InlineData("[a, 5]", "f.yaml:3:40: models.m.primary_key[1]: '5' must be text")]
    [InlineData("{ a: 1 }", "f.yaml:3:36: models.m.primary_key: this value must be one of these types: array, string")]
    public void Validate_PrimaryKeyOfOneOfItsTypes_ThatTypesComplaint(string value, string expected) =>
        Assert.Equal([expected], Errors($"version: 1\nmodels:\n  m: {{ connection: w, primary_key: {value}, sql: x }}\n"));

    [Fact]
    public void Validate_ValueOfOneOfSeveralForms_ComplaintsOfTheFormOfItsType()
    {
        Assert.Equal(
            [
                "f.yaml:7:40: syncs.s.hubspot.create_properties.a: '5' must be one of these types: object, string",
                "f.yaml:7:46: syncs.s.hubspot.create_properties.b: '' must not be empty",
                "f.yaml:7:62: syncs.s.hubspot.create_properties.c.label: '' must not be empty",
                "f.yaml:7:71: syncs.s.hubspot.create_properties.d: missing required key 'label'",
                "f.yaml:7:73: syncs.s.hubspot.create_properties.d.läbel: unknown key 'läbel'; expected one of: label, type",
                "f.yaml:7:106: syncs.s.hubspot.create_properties.e.type: 'text' is not allowed; expected one of: string, number, date, datetime",
            ],
            SyncErrors("""hubspot: { create_properties: { a: 5, b: "", c: { label: "" }, d: { läbel: x }, e: { label: x, type: text }, f: Größe } }"""));
    }

    [Fact]
    public void Validate_KeysWithSlashesAndTildes_PathAsWritten()
    {
        Assert.Equal(
            [
                "f.yaml:7:22: syncs.s.fields.a/b: '' must not be empty",
                "f.yaml:7:33: syncs.s.fields.c~d: '' must not be empty",
                "f.yaml:7:46: syncs.s.fields.~1/~0: '' must not be empty",
            ],
            SyncErrors("""fields: { "a/b": "", "c~d": "", "~1/~0": "" }"""));
    }

    [Fact]
    public void Validate_NameOutsideTheNamingRule_LeftToTheDefinitionsCheck()
    {
        var errors = new List<DefinitionError>();
        var (root, map) = Parse("version: 1\nconnections:\n  \"Kunden Ö\": { duckdb: { path: x } }\n");

        Assert.True(Schema.Validate(root, map, errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_RootMissingVersionWithAnUnknownKey_BothAtTheirPlace() =>
        Assert.Equal(
            ["f.yaml:1:1: missing required key 'version'", "f.yaml:1:1: sinks: unknown key 'sinks'; expected one of: version, connections, models, syncs, alerts"],
            Errors("sinks: {}\n"));

    [Fact]
    public void Validate_ListItemsEmptyOrNull_PathWithItsIndex() =>
        Assert.Equal(
            ["f.yaml:3:43: models.m.primary_key[2]: '' must not be empty", "f.yaml:3:47: models.m.primary_key[3]: '~' must be text"],
            Errors("version: 1\nmodels:\n  m: { connection: w, primary_key: [a, a, \"\", ~], sql: x }\n"));

    [Theory]
    [InlineData("version: '1'\n", "f.yaml:1:10: version: '1' must be a whole number")]
    [InlineData("version: 1\nsyncs: { s: { model: m, destination: d, mode: trigger, batch_size: -1.5 } }\n", "f.yaml:2:68: syncs.s.batch_size: '-1.5' must be a whole number")]
    public void Validate_ValueOfTheWrongType_ToldThatAloneNotAlsoItsRangeOrChoices(string yaml, string expected) =>
        Assert.Equal([expected], Errors(yaml));

    [Fact]
    public async Task Validate_FromSeveralThreadsAtOnce_EachFileGetsItsOwnErrors()
    {
        string[] files =
        [
            "version: 1\n",
            "version: 2\n",
            "version: 1\nsyncs:\n  s: { model: m, destination: d, mode: upsert, diff: both }\n",
            "version: 1\nmodels:\n  m: { connection: w, primary_key: [], sql: x }\n",
            "version: 1\nconnections:\n  c: { duckdb: { path: 5 } }\n",
        ];
        var expected = files.Select(Errors).ToList();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
            Enumerable.Range(0, 25).Select(round => (File: (thread + round) % files.Length, Got: Errors(files[(thread + round) % files.Length]))).ToList())));

        Assert.Equal(1, expected.Count(e => e.Count == 0));
        Assert.All(answers.SelectMany(a => a), answer => Assert.Equal(expected[answer.File], answer.Got));
    }

    private static List<string> SyncErrors(string line) =>
        Errors($"version: 1\nsyncs:\n  s:\n    model: m\n    destination: d\n    mode: trigger\n    {line}\n");

    private static List<string> Errors(string yaml)
    {
        var (root, map) = Parse(yaml);
        var errors = new List<DefinitionError>();
        Schema.Validate(root, map, errors);
        return errors.Select(e => e.ToString()).ToList();
    }

    private static (System.Text.Json.Nodes.JsonNode Root, SourceMap Map) Parse(string yaml)
    {
        var errors = new List<DefinitionError>();
        var (root, map) = new YamlTreeReader(DefinitionText.Environment()).Read("f.yaml", yaml, errors);
        Assert.Empty(errors);
        return (root!, map);
    }
}
