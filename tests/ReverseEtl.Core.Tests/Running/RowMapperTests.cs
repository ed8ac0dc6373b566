using ReverseEtl.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public class RowMapperTests
{
    [Fact]
    public void Create_MappedColumnTheModelLacks_NamesItAndWhatTheModelReturns()
    {
        var kit = new RunKit("mode: upsert, fields: { title: headline }");

        var error = Assert.Throws<SyncDefinitionException>(() => RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns));

        Assert.Equal("sync 's': model 'm' returns no column 'headline'; it returns: id, name", error.Message);
    }

    [Theory]
    [InlineData("RETL_MATCHES__", "retl_matches__")] // the model's first, the worker's after it: read by name, the model's would win
    [InlineData("retl_matches__", "retl_matches___1")] // a warehouse that renames the later of two equal names
    [InlineData("retl_row_hash__", "retl_row_hash__")]
    public void Create_ModelColumnNamedAsTheWorkersOwn_RefusedNamingIt(string model, string worker)
    {
        var kit = new RunKit("mode: upsert");
        WarehouseColumn[] columns = [new("id", "VARCHAR"), new(model, "BOOLEAN"), new("name", "VARCHAR"), new(worker, "BOOLEAN"), new(ModelQuery.MatchColumn, "BOOLEAN")];
        columns = worker == ModelQuery.RowHashColumn ? columns : columns[..^1];

        var error = Assert.Throws<SyncDefinitionException>(() => RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], columns));

        var own = model.StartsWith(ModelQuery.RowHashColumn, StringComparison.OrdinalIgnoreCase) ? ModelQuery.RowHashColumn : ModelQuery.MatchColumn;
        Assert.Equal($"sync 's': model 'm' returns a column named '{own}': {ModelQuery.ReservedNames}; rename the column in the model", error.Message);
    }

    [Fact]
    public void Create_ModelColumnsThatOnlyBeginAsTheWorkersOwn_AreRead()
    {
        var kit = new RunKit("mode: upsert, fields: { a: retl_matches__count, b: retl_matches___x }");
        WarehouseColumn[] columns = [new("id", "VARCHAR"), new("retl_matches__count", "BIGINT"), new("retl_matches___x", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")];
        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], columns);

        var row = mapper.Map(1, ["k", 3L, "ü", true]);

        Assert.Equal((true, 3L, "ü"), (row.Matches, row.Payload["a"], row.Payload["b"]));
    }

    [Fact]
    public void Map_FieldsMatchColumnsIgnoringCase_PayloadHasTheFieldNames()
    {
        var kit = new RunKit("mode: upsert, fields: { title: NAME }");
        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns);

        var row = mapper.Map(3, ["k-1", "Zoë 🎉", true]);

        Assert.Equal((3L, "k-1", true), (row.Number, row.Key, row.Matches));
        Assert.Equal(new Dictionary<string, object?> { ["title"] = "Zoë 🎉" }, row.Payload);
        Assert.Equal(PayloadJson.Hash(row.Payload), row.Hash);
    }

    [Fact]
    public void Map_NoFields_PayloadIsEveryColumnButTheInternalOnes()
    {
        var kit = new RunKit("mode: upsert");
        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns);

        var row = mapper.Map(1, ["k", null, false]);

        Assert.Equal(["id", "name"], row.Payload.Keys.Order(StringComparer.Ordinal));
        Assert.Null(row.Payload["name"]);
        Assert.Equal(new Dictionary<string, string> { ["id"] = "VARCHAR", ["name"] = "VARCHAR" }, mapper.UsedColumns);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Map_NullOrEmptyKey_HasNoKeyAndSaysWhy(string? id)
    {
        var kit = new RunKit("mode: upsert");
        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns);

        var row = mapper.Map(5, [id, "x", true]);

        Assert.Equal((null, "primary key column 'id' is null or empty", 0UL), (row.Key, row.KeyProblem, row.Hash));
    }

    [Fact]
    public void Map_LongText_HashDiffersFromTheSameTextCutShort()
    {
        var kit = new RunKit("mode: upsert");
        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns);
        var text = string.Concat(Enumerable.Repeat("東京 ", 20_000));

        Assert.NotEqual(mapper.Map(1, ["k", text, true]).Hash, mapper.Map(1, ["k", text[..^1], true]).Hash);
    }

    [Fact]
    public void Create_ColumnsWithSameNameInOtherCase_FirstOneWins()
    {
        var kit = new RunKit("mode: upsert, fields: { n: name }");
        WarehouseColumn[] columns = [new("id", "VARCHAR"), new("NAME", "INTEGER"), new("name", "VARCHAR"), new(ModelQuery.MatchColumn, "BOOLEAN")];

        var mapper = RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], columns);

        Assert.Equal(5L, mapper.Map(1, ["k", 5L, "five", true]).Payload["n"]);
    }
}
