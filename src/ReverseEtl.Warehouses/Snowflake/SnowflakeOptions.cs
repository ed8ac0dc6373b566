using System.Text.Json;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// The <c>snowflake</c> connection section: <c>account</c> (e.g. <c>myorg-myaccount</c>), <c>user</c>, and either
/// <c>private_key_path</c> (key-pair JWT; <c>private_key_passphrase</c> when the key is encrypted) or <c>token</c> (a programmatic access token, or an OAuth token with
/// <c>token_type: OAUTH</c>); <c>warehouse</c>, <c>database</c>, <c>schema</c>, <c>role</c>; <c>base_url</c> (default
/// from the account); <c>timeout_seconds</c> of a statement (default 3600).
/// </summary>
public sealed record SnowflakeOptions(
    string Account, string? User, string? PrivateKeyPath, string? PrivateKeyPassphrase, string? Token, string TokenType, Uri BaseUrl,
    string? Warehouse, string? Database, string? Schema, string? Role, long TimeoutSeconds)
{
    public static SnowflakeOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null)
    {
        var o = connection.Options;
        var account = Text(o, "account") ?? string.Empty;
        var key = Text(o, "private_key_path") is { } k ? Path.GetFullPath(k, connection.Paths.ConfigDirectory) : null;
        var token = Text(o, "token");
        var baseText = Text(o, "base_url") ?? $"https://{account.ToLowerInvariant()}.snowflakecomputing.com";
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUrl))
        {
            problems?.Add(new ConfigProblem("base_url", $"'{baseText}' is not an absolute URL"));
            baseUrl = new Uri("https://invalid.snowflakecomputing.com");
        }

        var options = new SnowflakeOptions(account, Text(o, "user"), key, Text(o, "private_key_passphrase"), token, Text(o, "token_type") ?? (key is null ? "PROGRAMMATIC_ACCESS_TOKEN" : "KEYPAIR_JWT"),
            baseUrl, Text(o, "warehouse"), Text(o, "database"), Text(o, "schema"), Text(o, "role"),
            o.TryGetProperty("timeout_seconds", out var t) ? t.GetInt64() : 3600) { SnapshotSchema = Sql.SnapshotSettings.Schema(connection) };
        problems?.AddRange(SnowflakeOptionsValidator.Validate(options));
        problems?.AddRange(Sql.SnapshotSettings.Validate(connection));
        return options;
    }

    /// <summary>The schema of the in-warehouse snapshot (<c>snapshot: { schema }</c>); null when the connection is only read.</summary>
    public string? SnapshotSchema { get; init; }

    /// <summary>Names the account and user only: never the token, the passphrase or the key's path.</summary>
    public override string ToString() => $"Snowflake {Account} as {User ?? "(token)"} at {BaseUrl}";

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString()!.Trim() : null;
}
