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
            order by retl_model__.id nulls last
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
        Assert.Contains($"md5(retl_model__, '{RowHashSalt.Of(kit.Sync)}') as retl_row_hash__", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildKeys_ReadsKeysHashAndConditionOnly()
    {
        var kit = new RunKit("mode: upsert");

        var sql = ModelQuery.BuildKeys(kit.Runtime.Project.Models["m"], kit.Sync, new QuotingDialect());

        Assert.StartsWith($"select retl_model__.id, md5(retl_model__, '{RowHashSalt.Of(kit.Sync)}') as retl_row_hash__, (1 = 1) as retl_matches__", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildKeys_Where_SelectsRowsBeforeOrdering()
    {
        var kit = new RunKit("mode: upsert");

        var sql = ModelQuery.BuildKeys(kit.Runtime.Project.Models["m"], kit.Sync, new QuotingDialect(), "retl_model__.id is null");

        Assert.EndsWith("""
            ) as retl_model__
            where retl_model__.id is null
            order by cast(retl_model__.id as text) nulls last
            """, sql, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildBuckets_TriggerSync_SumsEachRowsPartByBucketOfItsKeyText()
    {
        var kit = new RunKit("mode: trigger, trigger: { when: \"name = 'Zoë'\" }");

        var sql = ModelQuery.BuildBuckets(kit.Runtime.Project.Models["m"], kit.Sync, new QuotingDialect(), 12);

        Assert.Equal($"""
            select retl_bucket__, count(*) as retl_rows__,
                   cast(sum(case when retl_matches__ then 1152921504606846975 - retl_part__ else retl_part__ end) as varchar) as retl_sum__,
                   cast(sum(case when retl_bucketable__ then 0 else 1 end) as bigint) as retl_other__
            from (
            select bucket(cast(retl_model__.id as text), 12) as retl_bucket__, part(retl_model__, '{RowHashSalt.Of(kit.Sync)}') as retl_part__,
                   (name = 'Zoë') as retl_matches__, bucketable(retl_model__.id) as retl_bucketable__
            from (
            select id, name from accounts
            ) as retl_model__
            ) as retl_buckets__
            group by retl_bucket__
            """, sql);
    }

    [Fact]
    public void BuildRanks_Keys_CountsRowsBeforeEachInTheModelsKeyTextOrderNullsLast()
    {
        var kit = new RunKit("mode: upsert");

        var sql = ModelQuery.BuildRanks(kit.Runtime.Project.Models["m"], new QuotingDialect(), [["a'b"], ["東京"], [null]]);

        Assert.Equal("""
            select sum(case when cast(retl_model__.id as text) < cast('a''b' as text) then 1 else 0 end) as retl_before_0__, sum(case when cast(retl_model__.id as text) < cast('東京' as text) then 1 else 0 end) as retl_before_1__, sum(case when retl_model__.id is not null then 1 else 0 end) as retl_before_2__
            from (
            select id, name from accounts
            ) as retl_model__
            """, sql);
    }

    [Theory]
    [InlineData(false, "bucket(cast(retl_model__.id as text), 8) in (3, 200)")]
    [InlineData(true, "bucket(cast(retl_model__.id as text), 8) in (3, 200) or retl_model__.id is null")]
    public void InBuckets_Buckets_SelectsThemAndNullKeysWhenAsked(bool nullKeys, string expected)
    {
        var kit = new RunKit("mode: upsert");

        Assert.Equal(expected, ModelQuery.InBuckets(kit.Runtime.Project.Models["m"], new QuotingDialect(), 8, [3, 200], nullKeys));
    }

    [Fact]
    public void InBuckets_NoBucket_SelectsNullKeys()
    {
        var kit = new RunKit("mode: upsert");

        Assert.Equal("retl_model__.id is null", ModelQuery.InBuckets(kit.Runtime.Project.Models["m"], new QuotingDialect(), 8, [], nullKeys: true));
    }

    [Fact]
    public void InBuckets_MoreBucketsThanOneListHolds_ListsOfAtMostTenThousandJoinedByOr()
    {
        var kit = new RunKit("mode: upsert");
        var buckets = Enumerable.Range(0, 25_001).Select(i => i * 2).ToList();

        var condition = ModelQuery.InBuckets(kit.Runtime.Project.Models["m"], new QuotingDialect(), 16, buckets, nullKeys: true);

        // Snowflake refuses a list of more than 16,384 items: three lists, every bucket in one of them, the null keys after.
        var lists = condition.Split(" or ", StringSplitOptions.None);
        Assert.Equal(4, lists.Length);
        Assert.Equal("retl_model__.id is null", lists[3]);
        var items = lists[..3].Select(l => l.TrimStart('(').Replace("bucket(cast(retl_model__.id as text), 16) in (", "", StringComparison.Ordinal).TrimEnd(')').Split(", ")).ToList();
        Assert.Equal([10_000, 10_000, 5_001], items.Select(i => i.Length));
        Assert.Equal(buckets, items.SelectMany(i => i).Select(i => int.Parse(i, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void InBuckets_WarehouseTakesAnyLength_OneListEveryBucketInIt()
    {
        var kit = new RunKit("mode: upsert");
        var buckets = Enumerable.Range(0, 25_001).Select(i => i * 2).ToList();

        var condition = ModelQuery.InBuckets(kit.Runtime.Project.Models["m"], new QuotingDialect { MaxListItems = int.MaxValue }, 16, buckets, nullKeys: false);

        Assert.Equal($"bucket(cast(retl_model__.id as text), 16) in ({string.Join(", ", buckets)})", condition);
    }

    private sealed class QuotingDialect : IWarehouseBuckets
    {
        public string KeyBucket(string keyText, int bits) => $"bucket({keyText}, {bits})";

        public string RowHashPart(string rowName, string salt) => $"part({rowName}, '{salt}')";

        public string BucketableKey(string column) => $"bucketable({column})";

        public string RowHash(string rowName, string salt) => $"md5({rowName}, '{salt}')";

        public string Literal(object? value) => $"'{Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'";

        public string KeyText(string column) => $"cast({column} as text)";

        public int MaxListItems { get; init; } = 10_000;
    }
}
