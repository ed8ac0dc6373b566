using System.Text;

namespace ReverseEtl.IntegrationTests.Snowflake;

// Snowflake reads a backslash in a single-quoted string as an escape; DuckDB, which answers, reads it as itself.
internal sealed partial class SnowflakeOnDuckDb
{
    /// <summary>
    /// The statement with each single-quoted string's escapes read as Snowflake reads them (<c>\\</c> a backslash,
    /// <c>\'</c> a quote, <c>\n</c>, <c>\t</c>, <c>\r</c>, <c>\0</c>; any other letter itself), written for DuckDB;
    /// quoted names and comments are left as they are.
    /// </summary>
    internal static string Unescaped(string sql)
    {
        var output = new StringBuilder(sql.Length);
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            var end = c switch
            {
                '\'' => StringEnd(sql, i, output),
                '"' => Passed(sql, i, sql.IndexOf('"', i + 1), output),
                '-' when At(sql, i + 1, '-') => Passed(sql, i, sql.IndexOf('\n', i), output),
                '/' when At(sql, i + 1, '*') => Passed(sql, i, sql.IndexOf("*/", i + 2, StringComparison.Ordinal) + 1, output),
                _ => -1,
            };
            if (end < 0)
            {
                output.Append(c);
            }
            else
            {
                i = end;
            }
        }

        return output.ToString();
    }

    private static bool At(string sql, int i, char c) => i < sql.Length && sql[i] == c;

    // Copies sql[start..end] as it is (to the end when not closed); returns where it ended.
    private static int Passed(string sql, int start, int end, StringBuilder output)
    {
        var last = end < start ? sql.Length - 1 : end;
        output.Append(sql, start, last - start + 1);
        return last;
    }

    // A single-quoted string from its opening quote, written with its escapes read; returns where it closed.
    private static int StringEnd(string sql, int start, StringBuilder output)
    {
        output.Append('\'');
        for (var i = start + 1; i < sql.Length; i++)
        {
            switch (sql[i])
            {
                case '\'' when At(sql, i + 1, '\''):
                    output.Append("''");
                    i++;
                    break;
                case '\'':
                    output.Append('\'');
                    return i;
                case '\\' when i + 1 < sql.Length:
                    i++;
                    output.Append(sql[i] switch { 'n' => "\n", 't' => "\t", 'r' => "\r", '0' => "\0", '\'' => "''", var other => other.ToString() });
                    break;
                default:
                    output.Append(sql[i]);
                    break;
            }
        }

        return sql.Length - 1;
    }
}
