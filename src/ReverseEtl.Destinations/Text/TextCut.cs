using System.Globalization;

namespace ReverseEtl.Destinations.Text;

/// <summary>
/// Text cut to a vendor's limit (counted in UTF-16 code units, as .NET and the vendors' JSON lengths count) on a
/// boundary between user-perceived characters: never inside a surrogate pair, an emoji sequence or a letter with its
/// combining marks, so the cut text is still valid Unicode and shows no broken character.
/// </summary>
public static class TextCut
{
    /// <summary>
    /// <paramref name="text"/> when it fits in <paramref name="max"/> code units; otherwise its longest prefix of whole
    /// characters that leaves room for <paramref name="marker"/>, followed by the marker.
    /// </summary>
    public static string ToLimit(string text, int max, string marker = "…")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, marker.Length);
        if (text.Length <= max)
        {
            return text;
        }

        var room = max - marker.Length;
        var end = 0;
        while (end < text.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(text, end);
            if (next > room)
            {
                break;
            }

            end = next;
        }

        return string.Concat(text.AsSpan(0, end), marker);
    }
}
