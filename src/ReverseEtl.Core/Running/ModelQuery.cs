using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>Wraps a model's SQL so that the warehouse evaluates the trigger condition and orders rows by key.</summary>
public static class ModelQuery
{
    /// <summary>The name of the column that carries the trigger condition's result.</summary>
    public const string MatchColumn = "retl_matches__";

    public static string Build(ModelDefinition model, SyncDefinition sync)
    {
        var condition = sync.Mode == Abstractions.SyncMode.Trigger && sync.Trigger.When is { } when ? when : "1 = 1";
        var body = model.Sql.Trim().TrimEnd(';').TrimEnd();
        return $"""
            select retl_model__.*, ({condition}) as {MatchColumn}
            from (
            {body}
            ) as retl_model__
            order by {string.Join(", ", model.PrimaryKey.Select(k => $"retl_model__.{k}"))}
            """;
    }
}
