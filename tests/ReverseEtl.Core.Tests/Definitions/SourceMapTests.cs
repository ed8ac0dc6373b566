using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Tests.Definitions;

public class SourceMapTests
{
    [Fact]
    public void ValueAt_PathNotInTheMap_NearestAncestorsValueOrTheFileStart()
    {
        var map = Map(("syncs", At(2, 1), At(3, 3)), ("syncs.s", At(3, 3), At(4, 5)), ("syncs.s.slack.blocks", At(9, 7), At(10, 9)));

        Assert.Equal(At(10, 9), map.ValueAt("syncs.s.slack.blocks[2].text.text"));
        Assert.Equal(At(4, 5), map.ValueAt("syncs.s.slack"));
        Assert.Equal(At(1, 1), map.ValueAt("models.m"));
        Assert.Equal(At(1, 1), map.ValueAt(string.Empty));
    }

    [Fact]
    public void KeyAt_EntryWithoutKey_GivesItsValueLocation()
    {
        var map = Map((string.Empty, null, At(1, 1)), ("on", At(2, 1), At(2, 5)), ("on[1]", null, At(2, 13)));

        Assert.Equal(At(2, 1), map.KeyAt("on"));
        Assert.Equal(At(2, 13), map.KeyAt("on[1]"));
        Assert.Equal(At(1, 1), map.KeyAt(string.Empty));
        Assert.Equal(At(2, 1), map.KeyAt("on.deeper"));
    }

    [Fact]
    public void RawAt_OnlyTheExactPathAndTheLastAddWins()
    {
        var map = new SourceMap("東京.yaml");
        map.Add("token", new SourceLocation("東京.yaml", 1, 1), new SourceLocation("東京.yaml", 1, 8), "${TOKEN:-Zoë 🎉}");
        map.Add("token", new SourceLocation("東京.yaml", 2, 1), new SourceLocation("東京.yaml", 2, 8), "second");

        Assert.Equal("second", map.RawAt("token"));
        Assert.Equal(new SourceLocation("東京.yaml", 2, 8), map.ValueAt("token"));
        Assert.Null(map.RawAt("token.x"));
        Assert.Null(map.RawAt("missing"));
        Assert.Equal(new SourceLocation("東京.yaml", 1, 1), map.ValueAt("missing"));
    }

    [Theory]
    [InlineData("syncs.s.slack.blocks[0]", "syncs.s.slack.blocks")]
    [InlineData("syncs.s.slack.blocks", "syncs.s.slack")]
    [InlineData("a[1][2]", "a[1]")]
    [InlineData("syncs.東京", "syncs")]
    [InlineData("syncs", "")]
    [InlineData("[0]", "")]
    [InlineData(".x", "")]
    [InlineData("", "")]
    public void Parent_Path_CutAtTheLastDotOrBracket(string path, string expected) =>
        Assert.Equal(expected, ConfigPath.Parent(path));

    [Fact]
    public void ChildAndItem_Paths_JoinedWithDotsAndBrackets()
    {
        Assert.Equal("syncs", ConfigPath.Child(string.Empty, "syncs"));
        Assert.Equal("syncs.Zoë", ConfigPath.Child("syncs", "Zoë"));
        Assert.Equal("syncs.s.", ConfigPath.Child("syncs.s", string.Empty));
        Assert.Equal("blocks[3]", ConfigPath.Item("blocks", 3));
        Assert.Equal("[0]", ConfigPath.Item(string.Empty, 0));
    }

    [Fact]
    public void ToString_ErrorAndLocation_FileLineColumnThenPathThenMessage()
    {
        var location = new SourceLocation("config/syncs/東京.yaml", 12, 34);

        Assert.Equal("config/syncs/東京.yaml:12:34", location.ToString());
        Assert.Equal("config/syncs/東京.yaml:12:34: syncs.zoë: 'Zoë' is wrong", new DefinitionError(location, "syncs.zoë", "'Zoë' is wrong").ToString());
        Assert.Equal("config/syncs/東京.yaml:12:34: the file is empty", new DefinitionError(location, string.Empty, "the file is empty").ToString());
    }

    private static SourceLocation At(int line, int column) => new("f.yaml", line, column);

    private static SourceMap Map(params (string Path, SourceLocation? Key, SourceLocation Value)[] entries)
    {
        var map = new SourceMap("f.yaml");
        foreach (var (path, key, value) in entries)
        {
            map.Add(path, key, value, rawText: null);
        }

        return map;
    }
}
