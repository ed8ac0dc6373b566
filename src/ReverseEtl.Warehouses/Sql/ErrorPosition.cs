using System.Text.RegularExpressions;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>Where in a statement a warehouse placed its error, from the forms warehouses give it in.</summary>
internal static partial class ErrorPosition
{
    /// <summary>Line and column of a character offset (from 1, as PostgreSQL counts).</summary>
    public static (int? Line, int? Column) FromOffset(string sql, int offset)
    {
        if (offset < 1 || offset > sql.Length + 1)
        {
            return (null, null);
        }

        var before = sql.AsSpan(0, offset - 1);
        var lastBreak = before.LastIndexOf('\n');
        return (before.Count('\n') + 1, offset - lastBreak - 1);
    }

    /// <summary>DuckDB's <c>LINE 3: ...</c>, with the column of its caret line when the excerpt is not cut at its start.</summary>
    public static (int? Line, int? Column) FromDuckDb(string message)
    {
        var match = DuckDbLine().Match(message);
        if (!match.Success)
        {
            return (null, null);
        }

        var line = int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var excerpt = match.Groups["excerpt"].Value;
        var caret = match.Groups["caret"];
        return caret.Success && !excerpt.StartsWith("...", StringComparison.Ordinal)
            ? (line, caret.Value.Length - match.Groups["prefix"].Value.Length + 1)
            : (line, null);
    }

    /// <summary>Snowflake's <c>line 3 at position 7</c> (position from 0).</summary>
    public static (int? Line, int? Column) FromSnowflake(string? message)
    {
        var match = SnowflakeLine().Match(message ?? string.Empty);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1)
            : (null, null);
    }

    [GeneratedRegex(@"(?<prefix>LINE (?<line>\d+): )(?<excerpt>[^\n]*)(\n(?<caret> *)\^)?")]
    private static partial Regex DuckDbLine();

    [GeneratedRegex(@"line (\d+) at position (\d+)")]
    private static partial Regex SnowflakeLine();
}
