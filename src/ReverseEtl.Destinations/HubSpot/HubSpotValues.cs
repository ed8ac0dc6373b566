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
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IEnumerable<KeyValuePair<string, object?>> map => JsonSerializer.Serialize(map.ToDictionary(p => p.Key, p => Format(p.Value))),
        System.Collections.IEnumerable list => string.Join("; ", list.Cast<object?>().Select(Format)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
