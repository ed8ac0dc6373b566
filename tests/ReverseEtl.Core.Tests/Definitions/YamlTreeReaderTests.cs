using System.Text.Json.Nodes;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

public class YamlTreeReaderTests
{
    [Theory]
    [InlineData("true", "true")]
    [InlineData("True", "true")]
    [InlineData("FALSE", "false")]
    [InlineData("tRUE", "\"tRUE\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("007", "7")]
    [InlineData("+5", "5")]
    [InlineData("-12", "-12")]
    [InlineData("0x1F", "\"0x1F\"")]
    [InlineData("1_000", "\"1_000\"")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    [InlineData("1.", "1")]
    [InlineData("99999999999999999999", "1E+20")]
    [InlineData(".inf", "\".inf\"")]
    [InlineData("~", "null")]
    [InlineData("Null", "null")]
    [InlineData("", "null")]
    public void Read_PlainScalar_ResolvedByTheYaml12CoreSchema(string scalar, string expectedJson)
    {
        var (root, _, errors) = Read($"v: {scalar}\n");

        Assert.Empty(errors);
        Assert.Equal(expectedJson, root!["v"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Read_QuotedAndBlockScalars_StayText()
    {
        var (root, _, errors) = Read("a: \"true\"\nb: '42'\nc: \"~\"\nd: \"\"\ne: |\n  1\n  2\nf: \"tab\\there\"\n");

        Assert.Empty(errors);
        Assert.Equal("""{"a":"true","b":"42","c":"~","d":"","e":"1\n2\n","f":"tab\there"}""", root!.ToJsonString());
    }

    [Fact]
    public void Read_NonAsciiKeysAndValues_KeptVerbatim()
    {
        var (root, map, errors) = Read("name: Zoë\n東京: \"🎉 party\"\nключ: значение\n");

        Assert.Empty(errors);
        Assert.Equal(("Zoë", "🎉 party", "значение"), (Text(root!["name"]), Text(root["東京"]), Text(root["ключ"])));
        Assert.Equal(new SourceLocation("f.yaml", 2, 5), map.ValueAt("東京"));
    }

    [Fact]
    public void Read_EnvironmentReferences_SubstitutedThenTypedOnlyWhenPlain()
    {
        var (root, map, errors) = Read("a: ${N}\nb: \"${N}\"\nc: ${E:-}\nd: $${N}\ne: ${T}\n", ("N", "42"), ("T", "true"));

        Assert.Empty(errors);
        Assert.Equal("""{"a":42,"b":"42","c":"","d":"${N}","e":true}""", root!.ToJsonString());
        Assert.Equal(("${N}", "$${N}"), (map.RawAt("b"), map.RawAt("d")));
    }

    [Fact]
    public void Read_UnsetVariable_ReportedAtTheScalarAndReadingGoesOn()
    {
        var (root, _, errors) = Read("version: 1\nconnections:\n  chat:\n    slack: { token: \"${RETL_UNSET}\", base_url: Zoë }\n");

        Assert.Equal(
            ["""f.yaml:4:21: connections.chat.slack.token: environment variable 'RETL_UNSET' is not set; set it, or give a default with ${RETL_UNSET:-default}"""],
            errors);
        Assert.Equal("""{"token":"","base_url":"Zo\u00EB"}""", root!["connections"]!["chat"]!["slack"]!.ToJsonString());
    }

    [Theory]
    [InlineData("version: 1\nmodels: [unclosed\n", "f.yaml:3:1: YAML syntax: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("a: 'x\n", "f.yaml:1:4: YAML syntax: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("a: b: c\n", "f.yaml:1:5: YAML syntax: While scanning a plain scalar value, found invalid mapping.")]
    [InlineData("version: 1\nmodels:\n\tx: 1\n", "f.yaml:1:1: YAML syntax: While scanning a mapping, found invalid tab as indentation.")]
    [InlineData("a: 1\n\"a\": 2\n", "f.yaml:2:1: YAML syntax: Duplicate key a")]
    [InlineData("syncs:\n  s:\n    model: [m\n    destination: d\n", "f.yaml:3:12: YAML syntax: this '[' is not closed by a ']'; close it, or write the value without brackets")]
    [InlineData("syncs:\n  s:\n    fields: { a: [b, {c: d\n    destination: d\n", "f.yaml:3:18: YAML syntax: this '[' is not closed by a ']'; close it, or write the value without brackets")]
    [InlineData("", "f.yaml:1:1: the file is empty; it needs at least 'version: 1'")]
    [InlineData("# only a comment\r\n\r\n", "f.yaml:1:1: the file is empty; it needs at least 'version: 1'")]
    public void Read_Unreadable_OneErrorAndNoTree(string text, string expected)
    {
        var (root, _, errors) = Read(text);

        Assert.Null(root);
        Assert.Equal([expected], errors);
    }

    [Fact]
    public void Read_TwoDocuments_ReportsTheSecondAndReturnsTheFirst()
    {
        var (root, _, errors) = Read("version: 1\n---\nversion: 2\n");

        Assert.Equal(["f.yaml:3:1: one YAML document per file; split the others into their own files"], errors);
        Assert.Equal("""{"version":1}""", root!.ToJsonString());
    }

    [Fact]
    public void Read_KeysTheYamlParserLetsThrough_ReportedAndSkipped()
    {
        var (root, _, errors) = Read("a: 1\n!!str a: 2\n? [x, y]\n: 3\nb: 4\n");

        Assert.Equal(["f.yaml:2:1: a: duplicate key 'a'", "f.yaml:3:3: keys must be plain text"], errors);
        Assert.Equal("""{"a":1,"b":4}""", root!.ToJsonString());
    }

    [Fact]
    public void Read_CrlfLineEndings_SameTreeAndLocationsAsLf()
    {
        const string Lf = "version: 1\nsyncs:\n  s:\n    mode: upsrt\n    on: [enter, change]\n";
        var (lfRoot, lf, _) = Read(Lf);
        var (crlfRoot, crlf, errors) = Read(Lf.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.Empty(errors);
        Assert.Equal(lfRoot!.ToJsonString(), crlfRoot!.ToJsonString());
        string[] paths = ["syncs", "syncs.s", "syncs.s.mode", "syncs.s.on", "syncs.s.on[1]"];
        Assert.Equal(paths.Select(p => (lf.KeyAt(p), lf.ValueAt(p))), paths.Select(p => (crlf.KeyAt(p), crlf.ValueAt(p))));
        Assert.Equal(
            [(At(2, 1), At(3, 3)), (At(3, 3), At(4, 5)), (At(4, 5), At(4, 11)), (At(5, 5), At(5, 9)), (At(5, 17), At(5, 17))],
            paths.Select(p => (crlf.KeyAt(p), crlf.ValueAt(p))));
    }

    [Fact]
    public void Read_AnchorsAndAliases_ExpandedIntoCopies()
    {
        var (root, _, errors) = Read("a: &x { k: Zoë }\nb: *x\n");

        Assert.Empty(errors);
        Assert.Equal(("Zoë", "Zoë"), (Text(root!["a"]!["k"]), Text(root["b"]!["k"])));
    }

    [Fact]
    public void Read_EmptyKey_KeepsTheRootAtTheStart()
    {
        var (_, map, _) = Read(": 1\n");

        Assert.Equal(At(1, 1), map.ValueAt(string.Empty));
    }

    private static SourceLocation At(int line, int column) => new("f.yaml", line, column);

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    private static (JsonNode? Root, SourceMap Map, List<string> Errors) Read(string text, params (string, string?)[] variables)
    {
        var errors = new List<DefinitionError>();
        var (root, map) = new YamlTreeReader(DefinitionText.Environment(variables)).Read("f.yaml", text, errors);
        return (root, map, errors.Select(e => e.ToString()).ToList());
    }
}
