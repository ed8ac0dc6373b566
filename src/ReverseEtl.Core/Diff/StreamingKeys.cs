namespace ReverseEtl.Core.Diff;

/// <summary>
/// Which primary keys the streaming diff (<see cref="MergeDiff"/>) takes: one column of a type whose text in the
/// state (<see cref="RowKey"/>) is the text of <c>IWarehouseDialect.KeyText</c>, so rows ordered by it come in the
/// state's key order. Text and whole-number columns stream; other types (timestamps, floats, decimals, dates,
/// booleans, UUIDs, fixed-width <c>char</c>) and composite keys (whose state key is a JSON array) are diffed against
/// the state loaded in memory, as before.
/// </summary>
public static class StreamingKeys
{
    private static readonly HashSet<string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        // DuckDB, PostgreSQL (Npgsql's names) and Snowflake (TEXT; its FIXED may have a scale, so it does not stream)
        "varchar", "text", "string", "character varying",
        "bigint", "integer", "int", "smallint", "tinyint", "int2", "int4", "int8",
        "ubigint", "uinteger", "usmallint", "utinyint",
    };

    /// <summary>Whether a key of these column types (the warehouse's names, one per key column) streams.</summary>
    public static bool ByTypes(IReadOnlyList<string> keyTypes)
    {
        ArgumentNullException.ThrowIfNull(keyTypes);
        return keyTypes.Count == 1 && Types.Contains(BaseName(keyTypes[0]));
    }

    // "VARCHAR(20)" and "character varying(20)" are their base types.
    private static string BaseName(string type) => (type.IndexOf('(', StringComparison.Ordinal) is var at and >= 0 ? type[..at] : type).Trim();
}
