using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>The <c>intercom</c> connection section: <c>token</c>, <c>version</c> (Intercom-Version, default 2.14), and the shared HTTP keys.</summary>
public sealed record IntercomConnectionOptions(string? Token, string Version, HttpConnectionOptions Http)
{
    public const string DefaultBaseUrl = "https://api.intercom.io";

    public static IntercomConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) => new(
        HttpConnectionOptions.Text(connection.Options, "token"),
        HttpConnectionOptions.Text(connection.Options, "version") ?? "2.14",
        HttpConnectionOptions.From(connection.Options, DefaultBaseUrl, problems));
}

/// <summary>What a sync writes: contacts (with their company and tags), or data events.</summary>
public enum IntercomObjectKind
{
    Contacts,
    Events,
}

/// <summary>
/// A sync's <c>intercom</c> section: <c>object</c> (contacts or events). Values name payload fields: <c>external_id</c>,
/// <c>email</c>, <c>name</c> and <c>custom_attributes</c> of a contact (<c>role</c> is a value, default user);
/// <c>company</c> (<c>company_id</c>, <c>name</c>, <c>custom_attributes</c>); <c>tags</c> (tag names); for events
/// <c>event_name</c> (the event's name), <c>user_id</c>, <c>created_at</c> and <c>metadata</c> (fields, at most 10).
/// </summary>
public sealed record IntercomSyncOptions(
    IntercomObjectKind Kind,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<string> CustomAttributes,
    IntercomCompanyOptions? Company,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Metadata)
{
    private static readonly string[] FieldKeys = ["external_id", "email", "name", "role", "event_name", "user_id", "created_at"];

    public string? Field(string key) => Fields.GetValueOrDefault(key);

    public static IntercomSyncOptions From(SyncSettings sync, List<ConfigProblem> problems)
    {
        var o = sync.Options;
        var kind = HttpConnectionOptions.Text(o, "object") == "events" ? IntercomObjectKind.Events : IntercomObjectKind.Contacts;
        var fields = FieldKeys
            .Where(k => HttpConnectionOptions.Text(o, k) is not null)
            .ToDictionary(k => k, k => HttpConnectionOptions.Text(o, k)!, StringComparer.Ordinal);
        var company = o.TryGetProperty("company", out var c) ? new IntercomCompanyOptions(
            HttpConnectionOptions.Text(c, "company_id") ?? string.Empty, HttpConnectionOptions.Text(c, "name"), Names(c, "custom_attributes")) : null;
        var options = new IntercomSyncOptions(kind, fields, Names(o, "custom_attributes"), company, Names(o, "tags"), Names(o, "metadata"));
        problems.AddRange(IntercomOptionsValidator.Validate(options, sync.Mode));
        return options;
    }

    private static List<string> Names(JsonElement o, string key) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(key, out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
}

/// <summary>The company a contact belongs to: its <c>company_id</c> field, name field and custom attribute fields.</summary>
public sealed record IntercomCompanyOptions(string CompanyId, string? Name, IReadOnlyList<string> CustomAttributes);
