using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>Wraps a model's SQL so that the warehouse evaluates the trigger condition and orders rows by key.</summary>
public static partial class ModelQuery
{
    /// <summary>The name of the column that carries the trigger condition's result.</summary>
    public const string MatchColumn = "retl_matches__";

    /// <summary>Why a model column may not have such a name, as the checks tell it.</summary>
    public const string ReservedNames = "names that begin with 'retl_' and end with '__' are kept for the columns ReverseEtl adds to the model's query";

    /// <summary>
    /// True for a name of the form the worker gives the columns and tables it adds around a model (<c>retl_…__</c>, any
    /// case): a model column of such a name would be read in place of the worker's own, so the live check refuses it.
    /// </summary>
    public static bool IsReserved(string name) =>
        name.StartsWith("retl_", StringComparison.OrdinalIgnoreCase) && name.EndsWith("__", StringComparison.Ordinal) && name.Length > 6;

    /// <summary>
    /// The model's rows with the trigger condition's result, ordered by key: by each key column's text in the state's
    /// key order (<see cref="IWarehouseDialect.KeyText"/>) where the warehouse has a dialect, so that the rows can be
    /// merged with the stored state as both stream (<see cref="Diff.MergeDiff"/>); else by the key's values.
    /// </summary>
    /// <remarks>
    /// With <paramref name="where"/> (a condition on <c>retl_model__</c>), only the rows it selects; not
    /// <paramref name="ordered"/>, in whatever order the warehouse reads them, without sorting the model (the first pass
    /// of <see cref="WorkerBuckets"/>); with <paramref name="column"/>, one more column after the worker's own.
    /// </remarks>
    public static string Build(ModelDefinition model, SyncDefinition sync, IWarehouseDialect? dialect = null, string? where = null, bool ordered = true, string? column = null)
    {
        var order = dialect is null ? string.Join(", ", model.PrimaryKey.Select(k => $"retl_model__.{k} nulls last")) : TextOrder(model, dialect);
        return $"""
            select retl_model__.*, ({Condition(sync)}) as {MatchColumn}{(column is null ? string.Empty : $", {column}")}
            from (
            {Body(model)}
            ) as retl_model__{(where is null ? string.Empty : $"\nwhere {where}")}{(ordered ? $"\norder by {order}" : string.Empty)}
            """;
    }

    /// <summary>The line of <see cref="Build"/>'s query on which the model's SQL starts (after a trigger condition of any length).</summary>
    public static int BodyFirstLine(SyncDefinition sync) => Condition(sync).Split('\n').Length + 2;

    /// <summary>The column that carries the warehouse's hash of the whole row (diff: warehouse).</summary>
    public const string RowHashColumn = "retl_row_hash__";

    /// <summary>
    /// Keys, row hashes and the trigger condition only, ordered as <see cref="Build"/> orders rows (by each key column's
    /// text in the state's key order, so that changes come in the order of <c>diff: worker</c>): what a diff in the
    /// warehouse reads of every row, or, with <paramref name="where"/> (a condition on <c>retl_model__</c>), of the rows it selects.
    /// </summary>
    public static string BuildKeys(ModelDefinition model, SyncDefinition sync, IWarehouseDialect dialect, string? where = null) => $"""
        select {Keys(model)}, {dialect.RowHash("retl_model__", RowHashSalt.Of(sync))} as {RowHashColumn}, ({Condition(sync)}) as {MatchColumn}
        from (
        {Body(model)}
        ) as retl_model__{(where is null ? string.Empty : $"\nwhere {where}")}
        order by {TextOrder(model, dialect)}
        """;

    /// <summary>Every row's key alone, ordered as <see cref="Build"/> orders rows: where a row comes among them all (read only of a warehouse in this process).</summary>
    public static string BuildKeyOrder(ModelDefinition model, IWarehouseDialect dialect) => $"""
        select {Keys(model)}
        from (
        {Body(model)}
        ) as retl_model__
        order by {TextOrder(model, dialect)}
        """;

    /// <summary>The full rows of the given keys (each key's values in primary-key order), with their row hashes, in the order of <see cref="BuildKeys"/>.</summary>
    public static string BuildFetch(ModelDefinition model, SyncDefinition sync, IWarehouseDialect dialect, IEnumerable<object?[]> keys)
    {
        var tuples = string.Join(", ", keys.Select(k => $"({string.Join(", ", k.Select(dialect.Literal))})"));
        return BuildRows(model, sync, dialect, $"where ({Keys(model)}) in ({tuples})\n");
    }

    /// <summary>
    /// Every full row with its row hash and the trigger condition (or those <paramref name="where"/>, a whole <c>where</c>
    /// clause and its line break, selects), ordered as <see cref="BuildKeys"/> orders them: what a diff in the warehouse
    /// reads when most rows are new or changed, instead of every key and then most rows again.
    /// </summary>
    public static string BuildRows(ModelDefinition model, SyncDefinition sync, IWarehouseDialect dialect, string? where = null) => $"""
        select retl_model__.*, {dialect.RowHash("retl_model__", RowHashSalt.Of(sync))} as {RowHashColumn}, ({Condition(sync)}) as {MatchColumn}
        from (
        {Body(model)}
        ) as retl_model__
        {where}order by {TextOrder(model, dialect)}
        """;

    private static string Condition(SyncDefinition sync) => sync.Mode == SyncMode.Trigger && sync.Trigger.When is { } when ? when : "1 = 1";

    private static string Body(ModelDefinition model) => model.Sql.Trim().TrimEnd(';').TrimEnd();

    // Each key column by its text, as Build orders rows; a null key last whatever the warehouse's default (Snowflake's
    // DEFAULT_NULL_ORDERING may put it first), as the counts that number rejected rows take it (BuildRanks).
    private static string TextOrder(ModelDefinition model, IWarehouseDialect dialect) =>
        string.Join(", ", model.PrimaryKey.Select(k => $"{dialect.SortableKey(dialect.KeyText($"retl_model__.{k}"))} nulls last"));

    private static string Keys(ModelDefinition model) => string.Join(", ", model.PrimaryKey.Select(k => $"retl_model__.{k}"));
}
