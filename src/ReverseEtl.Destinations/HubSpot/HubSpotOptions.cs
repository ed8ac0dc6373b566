using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>The <c>hubspot</c> connection section: <c>token</c>, and the shared <c>base_url</c>, <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record HubSpotConnectionOptions(string? Token, HttpConnectionOptions Http)
{
    public const string DefaultBaseUrl = "https://api.hubapi.com";

    public static HubSpotConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) =>
        new(HttpConnectionOptions.Text(connection.Options, "token"), HttpConnectionOptions.From(connection.Options, DefaultBaseUrl, problems));
}

/// <summary>
/// A sync's <c>hubspot</c> section: the <c>object</c> type, the unique <c>id_property</c> that records are matched by,
/// and <c>create_properties</c> (name: label, or name: { label, type }) to create when missing, in <c>property_group</c>.
/// </summary>
public sealed record HubSpotSyncOptions(string ObjectType, string IdProperty, IReadOnlyDictionary<string, HubSpotPropertySpec> CreateProperties, string PropertyGroup)
{
    /// <summary>The record each written record is associated with (default association), when set.</summary>
    public HubSpotAssociation? Associate { get; init; }

    public static HubSpotSyncOptions From(SyncSettings sync, List<ConfigProblem> problems)
    {
        var o = sync.Options;
        var objectType = HttpConnectionOptions.Text(o, "object") ?? "companies";
        var idProperty = HttpConnectionOptions.Text(o, "id_property");
        var create = new Dictionary<string, HubSpotPropertySpec>(StringComparer.Ordinal);
        if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty("create_properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                create[p.Name] = HubSpotPropertySpec.From(p.Name, p.Value);
            }
        }

        var group = HttpConnectionOptions.Text(o, "property_group") ?? (objectType == "contacts" ? "contactinformation" : "companyinformation");
        var options = new HubSpotSyncOptions(objectType, idProperty ?? string.Empty, create, group) { Associate = HubSpotAssociation.From(o) };
        problems.AddRange(HubSpotOptionsValidator.Validate(options, sync.Mode));
        return options;
    }
}

/// <summary>
/// A sync's <c>associate</c> section: each record is associated (v4 default association) with the <c>object</c> whose
/// unique <c>id_property</c> equals the payload field <c>field</c>. That field is used to find it, not written.
/// </summary>
public sealed record HubSpotAssociation(string ObjectType, string IdProperty, string Field)
{
    public static HubSpotAssociation? From(JsonElement options) =>
        options.ValueKind == JsonValueKind.Object && options.TryGetProperty("associate", out var a)
            ? new HubSpotAssociation(a.GetProperty("object").GetString()!, a.GetProperty("id_property").GetString()!, a.GetProperty("field").GetString()!)
            : null;
}

/// <summary>
/// A property to create: its label and its type, <c>string</c> (a text field, the default), <c>number</c>, <c>date</c>
/// (a day: values are sent as YYYY-MM-DD, midnight UTC) or <c>datetime</c> (values sent as ISO 8601 UTC).
/// </summary>
public sealed record HubSpotPropertySpec(string Label, string Type)
{
    /// <summary>HubSpot's <c>fieldType</c> for the type: how the property appears in HubSpot.</summary>
    public string FieldType => Type switch { "number" => "number", "date" or "datetime" => "date", _ => "text" };

    public static HubSpotPropertySpec From(string name, JsonElement value) => value.ValueKind == JsonValueKind.Object
        ? new(HttpConnectionOptions.Text(value, "label") ?? name, HttpConnectionOptions.Text(value, "type") ?? "string")
        : new(value.GetString() ?? name, "string");
}
