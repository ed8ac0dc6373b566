using System.Text.Json;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>JSON text from a warehouse (json, jsonb, VARIANT) as boundary values: dictionaries, lists, text, long or decimal, bool.</summary>
internal static class JsonValues
{
    public static object? Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return From(document.RootElement);
    }

    private static object? From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(From).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDecimal(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
