using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public class SchemaGuardTests
{
    [Fact]
    public void Check_FirstRun_ReturnsTheColumnsToSave()
    {
        var kit = new RunKit("mode: upsert");

        var seen = SchemaGuard.Check(kit.Context(), new Dictionary<string, string>(), Mapper(kit));

        Assert.Equal(new Dictionary<string, string> { ["id"] = "VARCHAR", ["name"] = "VARCHAR" }, seen!.Columns);
    }

    [Fact]
    public void Check_SameColumnsInOtherCase_NothingToSave()
    {
        var kit = new RunKit("mode: upsert");

        Assert.Null(SchemaGuard.Check(kit.Context(), new Dictionary<string, string> { ["id"] = "varchar", ["name"] = "VarChar" }, Mapper(kit)));
    }

    [Fact]
    public void Check_ColumnDroppedFromTheSync_ColumnsToSave()
    {
        var kit = new RunKit("mode: upsert");
        var saved = new Dictionary<string, string> { ["id"] = "VARCHAR", ["name"] = "VARCHAR", ["old"] = "INTEGER" };

        Assert.Equal(["id", "name"], SchemaGuard.Check(kit.Context(), saved, Mapper(kit))!.Columns.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_TypeChanged_StopsNamingTheColumnAndBothTypes()
    {
        var kit = new RunKit("mode: upsert");

        var error = Assert.Throws<SyncDefinitionException>(() => SchemaGuard.Check(kit.Context(), new Dictionary<string, string> { ["id"] = "VARCHAR", ["name"] = "INTEGER" }, Mapper(kit)));

        Assert.Equal("sync 's': model 'm' changed the type of column 'name' (INTEGER → VARCHAR) since the last run; nothing was sent. If the change is intended, run once with --accept-schema-changes", error.Message);
    }

    [Fact]
    public void Check_TypeChangedAndAccepted_ReturnsTheNewTypes()
    {
        var kit = new RunKit("mode: upsert");
        var accepting = new SyncRunContext(new ProjectRuntime(kit.Runtime.Project, new([kit.Warehouse], [kit.Destination])) { AcceptSchemaChanges = true }, kit.Sync, kit.Context().Saved, kit.Log);

        var seen = SchemaGuard.Check(accepting, new Dictionary<string, string> { ["id"] = "VARCHAR", ["name"] = "INTEGER" }, Mapper(kit));

        Assert.Equal("VARCHAR", seen!.Columns["name"]);
    }

    private static RowMapper Mapper(RunKit kit) => RowMapper.Create(kit.Sync, kit.Runtime.Project.Models["m"], RunKit.Columns);
}
