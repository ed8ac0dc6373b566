using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>How SQL API bodies are written and read: camelCase, nulls left out.</summary>
internal static class SnowflakeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
