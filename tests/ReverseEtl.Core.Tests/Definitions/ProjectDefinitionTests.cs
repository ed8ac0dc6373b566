using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

public class ProjectDefinitionTests
{
    [Fact]
    public void Error_EmptyRelativePath_PointsAtTheDefinitionsValue()
    {
        var source = new DefinitionSource(Map(), "syncs.東京");

        var error = source.Error(string.Empty, "'Zoë' is wrong");

        Assert.Equal(new DefinitionError(At(4, 5), "syncs.東京", "'Zoë' is wrong"), error);
    }

    [Fact]
    public void Error_RelativePathBelowTheMap_PathJoinedAndLocationOfTheNearestAncestor()
    {
        var source = new DefinitionSource(Map(), "syncs.東京");

        Assert.Equal("f.yaml:9:12: syncs.東京.slack.blocks[3].text: column 'x' is missing", source.Error("slack.blocks[3].text", "column 'x' is missing").ToString());
        Assert.Equal("f.yaml:5:11: syncs.東京.mode: bad", source.Error("mode", "bad").ToString());
    }

    [Fact]
    public void SyncDefinition_OptionalSettingsNotGiven_DefaultsAndSettingsForTheDestination()
    {
        using var options = JsonDocument.Parse("""{"text":"Zoë 🎉"}""");
        var sync = new SyncDefinition(
            "s", "m", "chat", SyncMode.Mirror, TriggerDefinition.Always, null, null, null, true, options.RootElement, new DefinitionSource(Map(), "syncs.s"));

        Assert.Equal((SendLimits.Default, false), (sync.Limits, sync.DiffInWarehouse));
        Assert.Equal(("s", SyncMode.Mirror, "Zoë 🎉"), (sync.Settings.Name, sync.Settings.Mode, sync.Settings.Options.GetProperty("text").GetString()));
    }

    [Fact]
    public void Always_EveryRow_SendsOnEnterAndChange()
    {
        Assert.Null(TriggerDefinition.Always.When);
        Assert.Equal([RecordAction.Enter, RecordAction.Change], TriggerDefinition.Always.On.Order());
        Assert.False(new ScheduleDefinition("0 0 * * * ?", "UTC").SkipMisfires);
    }

    [Fact]
    public void ConnectionDefinition_NameAndDeferredProblems_FromTheSettingsAndNoneByDefault()
    {
        var connection = new ConnectionDefinition(new ConnectionSettings("東京-wh", "duckdb", default, DefinitionText.NoFiles), IsWarehouse: true, new DefinitionSource(Map(), "connections.東京-wh"));

        Assert.Equal("東京-wh", connection.Name);
        Assert.Empty(connection.DeferredProblems);
    }

    private static SourceLocation At(int line, int column) => new("f.yaml", line, column);

    private static SourceMap Map()
    {
        var map = new SourceMap("f.yaml");
        map.Add("syncs.東京", At(3, 3), At(4, 5), rawText: null);
        map.Add("syncs.東京.mode", At(5, 5), At(5, 11), "upsert");
        map.Add("syncs.東京.slack", At(9, 5), At(9, 12), rawText: null);
        return map;
    }
}
