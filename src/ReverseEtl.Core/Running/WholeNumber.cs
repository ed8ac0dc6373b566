using System.Globalization;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A count or a sum of a bucket query, as each warehouse gives it: a whole number (DuckDB, PostgreSQL), its text
/// (Snowflake, and a sum past 64 bits cast to text), or another number type. Read without <see cref="UInt128"/> or
/// <see cref="System.Numerics.BigInteger"/>: a method using them is compiled at run time rather than ahead of time,
/// and a nothing-changed run reads one such row per bucket, 65,536 at a million keys.
/// </summary>
internal static class WholeNumber
{
    /// <summary>The lowest 64 bits of a whole number of any size (a long as it is, text without a sign): a sum of parts taken modulo 2^64.</summary>
    /// <exception cref="FormatException">Neither a whole number nor its digits (a decimal point may follow with zeros only).</exception>
    public static ulong Low64(object? value) => value switch
    {
        long l => unchecked((ulong)l),
        string s => Low64(s.AsSpan()),
        _ => Low64((Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0").AsSpan()),
    };

    /// <summary>A count: the whole number itself.</summary>
    public static long Count(object? value) => value is long l ? l : unchecked((long)Low64(value));

    // Each digit taken modulo 2^64 (multiplying and adding so keep the lowest 64 bits exact), as UInt128.Parse with
    // NumberStyles.AllowDecimalPoint reads: no sign, no space, a fraction only of zeros.
    private static ulong Low64(ReadOnlySpan<char> text)
    {
        var point = text.IndexOf('.');
        var digits = point < 0 ? text : text[..point];
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9') || (point >= 0 && text[(point + 1)..].ContainsAnyExcept('0')))
        {
            throw new FormatException($"a bucket query gave '{text}' where a whole number was expected");
        }

        var low = 0UL;
        foreach (var digit in digits)
        {
            low = unchecked((low * 10) + (ulong)(digit - '0'));
        }

        return low;
    }
}
