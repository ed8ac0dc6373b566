using System.Globalization;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>SQL literals as DuckDB and PostgreSQL both read them (standard quoting: a quote is doubled).</summary>
internal static class StandardLiterals
{
    public static string Of(object? value) => value switch
    {
        null => "null",
        string s => $"'{s.Replace("'", "''", StringComparison.Ordinal)}'",
        bool b => b ? "true" : "false",
        long or int or decimal => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => $"timestamp '{t:yyyy-MM-dd HH:mm:ss.ffffff}'",
        DateOnly d => $"date '{d:yyyy-MM-dd}'",
        TimeOnly t => $"time '{t:HH:mm:ss.ffffff}'",
        _ => throw new ArgumentException($"A primary key of type {value.GetType().Name} cannot be written as a literal; use text, number, date or timestamp keys with diff: warehouse.", nameof(value)),
    };
}
