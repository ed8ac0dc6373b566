using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public class ModelQueryTests
{
    [Fact]
    public void Build_TriggerSync_WrapsTheModelWithItsConditionAndOrdersByKey()
    {
        var kit = new RunKit("mode: trigger, trigger: { when: \"name = 'Zoë'\" }");

        var sql = ModelQuery.Build(kit.Runtime.Project.Models["m"], kit.Sync);

        Assert.Equal("""
            select retl_model__.*, (name = 'Zoë') as retl_matches__
            from (
            select id, name from accounts
            ) as retl_model__
            order by retl_model__.id
            """, sql);
    }

    [Fact]
    public void Build_RecordSync_MatchesEveryRow()
    {
        var kit = new RunKit("mode: upsert");

        Assert.Contains("(1 = 1) as retl_matches__", ModelQuery.Build(kit.Runtime.Project.Models["m"], kit.Sync), StringComparison.Ordinal);
    }

    [Fact]
    public void BuildFetch_Keys_AreTheDialectsLiteralsInKeyOrder()
    {
        var kit = new RunKit("mode: upsert");

        var sql = ModelQuery.BuildFetch(kit.Runtime.Project.Models["m"], kit.Sync, new QuotingDialect(), [["a'b"], ["東京"]]);

        Assert.Contains("where (retl_model__.id) in (('a''b'), ('東京'))", sql, StringComparison.Ordinal);
        Assert.Contains("md5(retl_model__) as retl_row_hash__", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildKeys_ReadsKeysHashAndConditionOnly()
    {
        var kit = new RunKit("mode: upsert");

        var sql = ModelQuery.BuildKeys(kit.Runtime.Project.Models["m"], kit.Sync, new QuotingDialect());

        Assert.StartsWith("select retl_model__.id, md5(retl_model__) as retl_row_hash__, (1 = 1) as retl_matches__", sql, StringComparison.Ordinal);
    }

    private sealed class QuotingDialect : IWarehouseDialect
    {
        public string RowHash(string rowName) => $"md5({rowName})";

        public string Literal(object? value) => $"'{Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'";

        public string KeyText(string column) => $"cast({column} as text)";
    }
}
