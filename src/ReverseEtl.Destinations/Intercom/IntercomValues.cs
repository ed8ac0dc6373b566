using System.Globalization;
using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Payload values as Intercom attributes: numbers and booleans as themselves, timestamps as Unix seconds (Intercom's
/// date type), lists as a comma-separated string (Intercom has no list type), null as null where Intercom's description
/// allows it (a contact's name and custom attributes: it clears them) and left out where it does not (event metadata, a
/// company's name and custom attributes, a contact's email and external_id): see docs/destinations.md.
/// </summary>
internal static class IntercomValues
{
    public static JsonNode? Node(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long or int => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        decimal or double or float => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        DateTime or DateTimeOffset or DateOnly => JsonValue.Create(UnixSeconds(value)),
        System.Collections.IEnumerable list => JsonValue.Create(string.Join(", ", list.Cast<object?>().Select(Text))),
        _ => JsonValue.Create(Text(value)),
    };

    /// <summary>The named payload values as an object; a null value is kept (it clears) only when <paramref name="keepNulls"/>.</summary>
    public static JsonObject Object(IEnumerable<string> names, IReadOnlyDictionary<string, object?> row, bool keepNulls) =>
        new(names.Select(n => KeyValuePair.Create(n, Node(row.GetValueOrDefault(n)))).Where(p => keepNulls || p.Value is not null));

    /// <summary>
    /// The named values as a JSON object where a value must be a string: a NULL becomes <c>""</c>, which clears the
    /// attribute (a value that went away in the warehouse goes away in Intercom too, instead of staying as it was).
    /// </summary>
    public static JsonObject Clearing(IEnumerable<string> names, IReadOnlyDictionary<string, object?> row) =>
        new(names.Select(n => KeyValuePair.Create(n, Node(row.GetValueOrDefault(n)) ?? (JsonNode?)JsonValue.Create(string.Empty))));

    /// <summary>The Intercom data type of a custom attribute holding <paramref name="value"/>.</summary>
    public static string DataType(object? value) => value switch
    {
        bool => "boolean",
        long or int => "integer",
        decimal or double or float => "float",
        DateTime or DateTimeOffset or DateOnly => "date",
        _ => "string",
    };

    public static long? UnixSeconds(object? value) => value switch
    {
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeSeconds(),
        DateTimeOffset t => t.ToUnixTimeSeconds(),
        DateOnly d => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(),
        long l => l,
        _ => null,
    };

    public static string? Text(object? value) => value switch
    {
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
