using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Native;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>Maps DuckDB.NET's CLR values to the value set of the warehouse boundary.</summary>
internal static class DuckDbValues
{
    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>
    /// How to read a column of <paramref name="fieldType"/> as the boundary's value: text, whole numbers, booleans,
    /// doubles and timestamps through their typed getters (one box, none for a boolean), the rest through
    /// <see cref="Normalize"/>. Nulls are the caller's.
    /// </summary>
    public static Func<DbDataReader, int, object?> ReaderFor(Type fieldType) => fieldType switch
    {
        _ when fieldType == typeof(string) => static (r, i) => r.GetString(i),
        _ when fieldType == typeof(long) => static (r, i) => r.GetInt64(i),
        _ when fieldType == typeof(int) => static (r, i) => (long)r.GetInt32(i),
        _ when fieldType == typeof(bool) => static (r, i) => r.GetBoolean(i) ? True : False,
        _ when fieldType == typeof(double) => static (r, i) => r.GetDouble(i),
        _ when fieldType == typeof(DateTime) => static (r, i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc),
        _ when fieldType == typeof(TimeSpan) => static (r, i) => Interval(r.GetFieldValue<DuckDBInterval>(i)),
        _ when AllowingNulls(fieldType) is { } loose && loose != fieldType => NullableItems(loose),
        _ => static (r, i) => Normalize(r.GetValue(i)),
    };

    /// <summary>
    /// The type to read a list or map as so that its NULL items read as null: DuckDB.NET reads <c>INTEGER[]</c> as
    /// <c>List&lt;int&gt;</c> and throws on a NULL item; as <c>List&lt;int?&gt;</c> it does not (lists in lists and maps' values alike).
    /// </summary>
    public static Type AllowingNulls(Type type) => type switch
    {
        { IsGenericType: true } when type.GetGenericTypeDefinition() == typeof(List<>) =>
            typeof(List<>).MakeGenericType(AllowingNulls(type.GetGenericArguments()[0])),
        { IsGenericType: true } when type.GetGenericTypeDefinition() == typeof(Dictionary<,>) =>
            typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()[0], AllowingNulls(type.GetGenericArguments()[1])),
        _ when type == typeof(TimeSpan) => typeof(DuckDBInterval?), // an interval of months has no TimeSpan
        { IsValueType: true } when Nullable.GetUnderlyingType(type) is null => typeof(Nullable<>).MakeGenericType(type),
        _ => type,
    };

    private static Func<DbDataReader, int, object?> NullableItems(Type loose) =>
        typeof(DuckDbValues).GetMethod(nameof(ReadAs), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(loose).CreateDelegate<Func<DbDataReader, int, object?>>();

    private static object? ReadAs<T>(DbDataReader reader, int ordinal) => Normalize(reader.GetFieldValue<T>(ordinal));

    public static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        string or bool or long or decimal or double or DateOnly or TimeOnly => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (object)(long)u : (decimal)u, // (object): else both arms are decimal
        BigInteger b => Whole(b),
        float f => (double)f,
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t => t.UtcDateTime,
        DuckDBInterval interval => Interval(interval),
        Guid g => g.ToString(),
        byte[] bytes => Convert.ToBase64String(bytes),
        IDictionary map => NormalizeMap(map),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    // DuckDB's micros are signed; DuckDB.NET types them unsigned.
    private static string Interval(DuckDBInterval value) => Sql.Intervals.Text(value.Months, value.Days, unchecked((long)value.Micros));

    // A HUGEINT as a whole number where one fits (long, then decimal's 28 digits), else as its digits.
    private static object Whole(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (long)value
        : value >= (BigInteger)decimal.MinValue && value <= (BigInteger)decimal.MaxValue ? (decimal)value
        : value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> NormalizeMap(IDictionary map)
    {
        var result = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = Normalize(entry.Value);
        }

        return result;
    }
}
