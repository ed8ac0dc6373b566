using System.Globalization;
using System.Text;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A key as a line of a command's output shows it: in double quotes, with a quote, a backslash and every character that
/// does not print or that changes how the line reads (control and format characters such as U+202E or U+200B, line
/// and paragraph separators, a lone half of a surrogate pair) escaped as JSON escapes them; every other character,
/// emoji and other scripts included, as it is. A long key is cut after <see cref="MaxChars"/> UTF-16 units, never
/// inside a surrogate pair, and its length in characters follows the closing quote.
/// </summary>
public static class ShownKey
{
    /// <summary>The UTF-16 units of a key shown before it is cut.</summary>
    public const int MaxChars = 100;

    public static string Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var cut = key.Length <= MaxChars ? key.Length : char.IsHighSurrogate(key[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        var shown = new StringBuilder(cut + 2).Append('"');
        for (var i = 0; i < cut; i++)
        {
            var pair = char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]);
            var text = key.AsSpan(i, pair ? 2 : 1);
            if (Escaped(key[i], pair ? new Rune(key[i], key[i + 1]) : null))
            {
                foreach (var unit in text)
                {
                    shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)unit:X4}");
                }
            }
            else
            {
                shown.Append(key[i] is '"' or '\\' ? "\\" : string.Empty).Append(text);
            }

            i += pair ? 1 : 0;
        }

        shown.Append('"');
        return cut < key.Length ? shown.Append(CultureInfo.InvariantCulture, $"… ({key.EnumerateRunes().Count()} characters)").ToString() : shown.ToString();
    }

    private static bool Escaped(char unit, Rune? pair) =>
        (pair is { } rune ? Rune.GetUnicodeCategory(rune) : char.IsSurrogate(unit) ? UnicodeCategory.Surrogate : char.GetUnicodeCategory(unit))
            is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
