using System.Globalization;
using System.Text.Json;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>HubSpot property values are strings: numbers and booleans in invariant form, lists joined with "; ", null as "" (clears).</summary>
internal static class HubSpotValues
{
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => Timestamp(t),
        DateTimeOffset t => Timestamp(t.UtcDateTime),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IEnumerable<KeyValuePair<string, object?>> map => JsonSerializer.Serialize(map.ToDictionary(p => p.Key, p => Format(p.Value))),
        System.Collections.IEnumerable list => string.Join("; ", list.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // "yyyy-MM-dd'T'HH:mm:ss'Z'": the round-trip "s" form (the same for every year 1-9999) and a Z, without parsing a
    // custom format for each value of a first run's million rows.
    private static string Timestamp(DateTime value)
    {
        Span<char> text = stackalloc char[20];
        if (!value.TryFormat(text, out var written, "s", CultureInfo.InvariantCulture))
        {
            return value.ToString("s", CultureInfo.InvariantCulture) + "Z"; // never: the "s" form is always 19 characters
        }

        text[written++] = 'Z';
        return new string(text[..written]);
    }
}
