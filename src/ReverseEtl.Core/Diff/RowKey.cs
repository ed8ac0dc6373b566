using System.Globalization;
using System.Text.Json;

namespace ReverseEtl.Core.Diff;

/// <summary>Turns primary-key values into the text that identifies a row in the sync state.</summary>
public static class RowKey
{
    /// <summary>One column: its value as text. Several: a JSON array of their texts. Fails on a null or empty part.</summary>
    public static bool TryFormat(IReadOnlyList<object?> parts, out string key, out int badPart)
    {
        key = string.Empty;
        var texts = new string[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            var text = Format(parts[i]);
            if (string.IsNullOrEmpty(text))
            {
                badPart = i;
                return false;
            }

            texts[i] = text;
        }

        badPart = -1;
        key = texts.Length == 1 ? texts[0] : JsonSerializer.Serialize(texts);
        return true;
    }

    /// <summary>A one-column key: its value as text, or null when the value is null or empty (as <see cref="TryFormat"/>).</summary>
    public static string? FormatOne(object? value) => Format(value) is { Length: > 0 } text ? text : null;

    private static string? Format(object? value) => value switch
    {
        null => null,
        string s => s,
        DateTime t => PayloadJson.FormatTimestamp(t),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
