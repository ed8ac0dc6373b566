using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

public class DefinitionLoaderTests
{
    private const string UnknownKey = "colour: unknown key 'colour'; expected one of: version, connections, models, syncs, alerts";

    [Fact]
    public void Load_FolderMissing_OneErrorAtTheFolderAndNoProject()
    {
        using var folder = new TempConfigFolder();
        var missing = Path.Combine(folder.Root, "nope");

        var result = Load(new RuntimePaths(missing, folder.Paths.DataDirectory));

        Assert.Equal([$"{missing}:1:1: the config folder does not exist (set --config or RETL_CONFIG_DIR)"], Errors(result));
        Assert.Equal((null, false), (result.Project, result.IsValid));
    }

    [Fact]
    public void Load_NoYamlFiles_OneErrorAtTheFolder()
    {
        using var folder = new TempConfigFolder().With("readme.txt", "version: 1").With("x.json", "{}").With("notes.yaml.bak", "version: 1").With("sub/m.yaml~", "version: 1");

        Assert.Equal([$"{folder.Config}:1:1: the config folder holds no .yaml files"], Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_YamlAndYmlOfAnyCaseInSubfolders_ReadAndShownFromTheConfigFoldersParent()
    {
        using var folder = new TempConfigFolder();
        foreach (var file in new[] { "z.Yaml", "syncs/東京.yaml", "connections.YML", "sub/models.yaml" })
        {
            folder.With(file, "version: 1\ncolour: x\n");
        }

        Assert.Equal(
            [
                $"config/connections.YML:2:1: {UnknownKey}",
                $"config/sub/models.yaml:2:1: {UnknownKey}",
                $"config/syncs/東京.yaml:2:1: {UnknownKey}",
                $"config/z.Yaml:2:1: {UnknownKey}",
            ],
            Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_ValidFilesWithCrlfAndVariables_OneProject()
    {
        using var folder = new TempConfigFolder()
            .With("connections.yaml", "version: 1\r\nconnections:\r\n  wh: { duckdb: { path: \"${DB_FILE:-demo.duckdb}\" } }\r\n  chat: { slack: { token: \"${SLACK_TOKEN}\" } }\r\n")
            .With("models/accounts.yml", "version: 1\nmodels:\n  accounts: { connection: wh, primary_key: id, file: models/q.sql }\n")
            .With("models/q.sql", "select 'Zoë' as id")
            .With("syncs/東京.yaml", "version: 1\nsyncs:\n  tokyo: { model: accounts, destination: chat, mode: trigger, slack: { text: \"{{ row.id }} 🎉\" } }\n");

        var result = Load(folder.Paths, ("SLACK_TOKEN", "xoxb-東京"));

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        var project = result.Project!;
        Assert.Equal(folder.Paths, project.Paths);
        Assert.Equal("demo.duckdb", project.Connections["wh"].Settings.Options.GetProperty("path").GetString());
        Assert.Equal("xoxb-東京", project.Connections["chat"].Settings.Options.GetProperty("token").GetString());
        Assert.Equal("select 'Zoë' as id", project.Models["accounts"].Sql);
        Assert.Equal("{{ row.id }} 🎉", project.Syncs["tokyo"].DestinationOptions.GetProperty("text").GetString());
    }

    [Fact]
    public void Load_SameNameInTwoFiles_TheLaterReportedWithTheFirstsLocation()
    {
        const string Definitions = "version: 1\nconnections:\n  wh: { duckdb: { path: x } }\nmodels:\n  accounts: { connection: wh, primary_key: id, sql: select 1 }\n";
        using var folder = new TempConfigFolder().With("b.yaml", Definitions).With("a.yaml", Definitions);

        Assert.Equal(
            [
                "config/b.yaml:3:3: connections.wh: 'wh' is already defined at config/a.yaml:3:3",
                "config/b.yaml:5:3: models.accounts: 'accounts' is already defined at config/a.yaml:5:3",
            ],
            Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_ErrorsFromEveryStep_SortedByFileThenLineThenColumn()
    {
        using var folder = new TempConfigFolder()
            .With("c.yaml", "version: 1\nsyncs:\n  s:\n    model: m\n    destination: d\n    mode: trigger\n    batch_size: 0\n    fields: { a: \"\" }\n")
            .With("b.yaml", "version: 1\nmodels: [unclosed\n")
            .With("a.yaml", "version: 1\nsyncs:\n  s: { model: accounts, destination: nowhere, mode: upsert }\nmodels:\n  accounts: { connection: nope, primary_key: id, sql: select 1 }\n");

        Assert.Equal(
            [
                "config/a.yaml:3:38: syncs.s.destination: no connection named 'nowhere'; defined: (none)",
                "config/a.yaml:5:27: models.accounts.connection: no connection named 'nope'; defined: (none)",
                "config/b.yaml:3:1: YAML syntax: While parsing a flow sequence, did not find expected ',' or ']'.",
                "config/c.yaml:7:17: syncs.s.batch_size: '0' must be at least 1",
                "config/c.yaml:8:18: syncs.s.fields.a: '' must not be empty",
            ],
            Errors(Load(folder.Paths)));
    }

    [Theory]
    [InlineData("- version: 1\n")]
    [InlineData("hello\n")]
    [InlineData("[1, 2]\n")]
    public void Load_RootNotAMapping_SaysWhatAFileMustBe(string text)
    {
        using var folder = new TempConfigFolder().With("a.yaml", text);

        Assert.Equal(["config/a.yaml:1:1: the file must be a mapping with 'version: 1' and any of connections, models, syncs, alerts"], Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_FileFailingTheSchema_LeftOutWhole()
    {
        using var folder = new TempConfigFolder()
            .With("a.yaml", "version: 1\ncolour: x\nconnections:\n  wh: { duckdb: { path: x } }\n")
            .With("b.yaml", "version: 1\nmodels:\n  m: { connection: wh, primary_key: id, sql: select 1 }\n");

        Assert.Equal(
            [$"config/a.yaml:2:1: {UnknownKey}", "config/b.yaml:3:20: models.m.connection: no connection named 'wh'; defined: (none)"],
            Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_ConfigFolderGivenWithATrailingSeparator_FilesStillShownFromItsParent()
    {
        using var folder = new TempConfigFolder().With("a.yaml", "version: 1\ncolour: x\n");

        var result = Load(new RuntimePaths(folder.Config + Path.DirectorySeparatorChar, folder.Paths.DataDirectory));

        Assert.Equal([$"config/a.yaml:2:1: {UnknownKey}"], Errors(result));
    }

    [Fact]
    public void Load_LinkToAFileThatIsGone_ReportedAtTheFileAndTheOthersStillRead()
    {
        using var folder = new TempConfigFolder().With("b.yaml", "version: 1\ncolour: x\n");
        File.CreateSymbolicLink(Path.Combine(folder.Config, "a.yaml"), Path.Combine(folder.Root, "gone.yaml"));

        Assert.Equal(
            [
                $"config/a.yaml:1:1: cannot read the file (Could not find file '{Path.Combine(folder.Config, "a.yaml")}'.); fix or remove it",
                $"config/b.yaml:2:1: {UnknownKey}",
            ],
            Errors(Load(folder.Paths)));
    }

    [Fact]
    public void Load_DocumentThatIsOnlyNull_SaysWhatAFileMustBe()
    {
        using var folder = new TempConfigFolder().With("a.yaml", "~\n");

        Assert.Equal(["config/a.yaml:1:1: the file must be a mapping with 'version: 1' and any of connections, models, syncs, alerts"], Errors(Load(folder.Paths)));
    }

    [Theory]
    [InlineData("---\n", "1:1")]
    [InlineData("null\n", "1:1")]
    [InlineData("# note\n--- ~\n", "2:5")]
    public void Load_OtherNullDocuments_SaysWhatAFileMustBeAtTheValueOrTheFileStart(string text, string at)
    {
        using var folder = new TempConfigFolder().With("a.yaml", text);

        Assert.Equal([$"config/a.yaml:{at}: the file must be a mapping with 'version: 1' and any of connections, models, syncs, alerts"], Errors(Load(folder.Paths)));
    }

    private static DefinitionLoadResult Load(RuntimePaths paths, params (string, string?)[] variables) =>
        new DefinitionLoader(FakeCatalog.Standard(), DefinitionText.Environment(variables)).Load(paths);

    private static List<string> Errors(DefinitionLoadResult result) => result.Errors.Select(e => e.ToString()).ToList();
}
