using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ReverseEtl.Core.Definitions;

// The shapes of the YAML files (after schema validation); the domain types are in ProjectDefinition.cs.
internal sealed record FileDto(int Version, Dictionary<string, JsonObject>? Connections, Dictionary<string, ModelDto>? Models, Dictionary<string, SyncDto>? Syncs, Dictionary<string, AlertDto>? Alerts = null);

// Read through metadata generated at build time: reflection built it at every start, about 70 ms of a short command.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FileDto))]
internal sealed partial class DefinitionJson : JsonSerializerContext;

internal sealed record ModelDto(string? Description, string Connection, JsonNode PrimaryKey, string? Sql, string? File, Dictionary<string, string>? DialectFiles)
{
    public IReadOnlyList<string> PrimaryKeyColumns => PrimaryKey is JsonArray array
        ? array.Select(item => item!.GetValue<string>()).ToList()
        : [PrimaryKey.GetValue<string>()];
}

internal sealed record SyncDto(
    string? Description,
    bool? Enabled,
    string Model,
    string Destination,
    string Mode,
    TriggerDto? Trigger,
    Dictionary<string, string>? Fields,
    ScheduleDto? Schedule,
    int? BatchSize,
    double? DeleteLimitPercent,
    string? Diff,
    Dictionary<string, JsonElement>? Limits,
    SyncAlertsDto? Alerts = null,
    LogDto? Log = null)
{
    /// <summary>The destination-type sections (<c>slack:</c>, ...); the schema already rejected every other unknown key.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Sections { get; set; } // set: generated metadata cannot fill extension data that is init-only
}

internal sealed record LogDto(List<string>? Redact);

internal sealed record TriggerDto(string? When, List<string>? On, string? Initial);

internal sealed record ScheduleDto(string Cron, string? Timezone, string? Misfire);
