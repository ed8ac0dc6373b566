using System.Text.RegularExpressions;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>
/// DuckDB twins of the Snowflake SQL that <c>diff: warehouse</c> emits for its bucket comparison and key order:
/// <c>floor(md5_number_upper64(x) / n)</c> (the first 16 hex digits of md5 as a number, divided exactly), <c>collate(x, 'utf8')</c>
/// (binary order, DuckDB's own), <c>typeof(to_variant(x))</c>, and the snapshot check's <c>try_to_number(upper(x), 'XXX…')</c>
/// (hex digits as a number, null when they are not).
/// </summary>
internal sealed partial class SnowflakeOnDuckDb
{
    private static string BucketTwins(string sql)
    {
        sql = ReplaceCalls(sql, "floor(md5_number_upper64(", inner => $"(cast('0x' || substr(md5({inner}), 1, 16) as ubigint) // ", DividedBy());
        sql = ReplaceCalls(sql, "collate(", inner => inner.EndsWith(", 'utf8'", StringComparison.Ordinal) ? inner[..^", 'utf8'".Length] : inner, null);
        sql = ReplaceCalls(sql, "try_to_number(upper(", inner => $"try_cast('0x' || {inner} as bigint", HexFormat());
        return ReplaceCalls(sql, "typeof(to_variant(", inner => $"typeof({inner}", null);
    }

    // Each call of `opening` (which ends with its innermost open parenthesis): its argument to `replace`, then what
    // `after` matches right after the argument's closing parenthesis, kept in its first group.
    private static string ReplaceCalls(string sql, string opening, Func<string, string> replace, Regex? after)
    {
        for (var at = sql.IndexOf(opening, StringComparison.OrdinalIgnoreCase); at >= 0; at = sql.IndexOf(opening, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var start = at + opening.Length;
            var (end, depth) = (start, 1);
            for (; depth > 0; end++)
            {
                depth += sql[end] switch { '(' => 1, ')' => -1, _ => 0 };
            }

            var rest = sql[end..];
            var tail = after is null ? string.Empty : after.Match(rest) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"unexpected SQL after {opening}: {rest}");
            var skipped = after is null ? 0 : after.Match(rest).Length;
            sql = string.Concat(sql.AsSpan(0, at), replace(sql[start..(end - 1)]) + tail, sql.AsSpan(end + skipped));
        }

        return sql;
    }

    [GeneratedRegex(@"^ / (\d+\))")]
    private static partial Regex DividedBy();

    [GeneratedRegex(@"^, 'X+'(\))")]
    private static partial Regex HexFormat();
}
