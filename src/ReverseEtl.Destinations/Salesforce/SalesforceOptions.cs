using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// The <c>salesforce</c> connection section: <c>login_url</c> (or My Domain) for tokens; <c>instance_url</c> (else the
/// token's); <c>client_id</c> with <c>client_secret</c> (client credentials) or with <c>private_key_path</c> and
/// <c>username</c> (JWT bearer); <c>api_version</c>; <c>usage_limit_percent</c>, the share of the org's daily API
/// allocation past which syncs stop; and the shared HTTP keys. No <c>client_id</c>: dry run.
/// </summary>
public sealed record SalesforceConnectionOptions(
    Uri LoginUrl, Uri? InstanceUrl, string? ClientId, string? ClientSecret, string? PrivateKeyPath, string? Username,
    string ApiVersion, double UsageLimitPercent, HttpConnectionOptions Http)
{
    public const string DefaultLoginUrl = "https://login.salesforce.com";

    public static SalesforceConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null)
    {
        var o = connection.Options;
        var keyPath = HttpConnectionOptions.Text(o, "private_key_path") is { } k ? Path.GetFullPath(k, connection.Paths.ConfigDirectory) : null;
        var options = new SalesforceConnectionOptions(
            HttpConnectionOptions.Url(o, "login_url", problems) ?? new Uri(DefaultLoginUrl),
            HttpConnectionOptions.Url(o, "instance_url", problems),
            HttpConnectionOptions.Text(o, "client_id"),
            HttpConnectionOptions.Text(o, "client_secret"),
            keyPath,
            HttpConnectionOptions.Text(o, "username"),
            HttpConnectionOptions.Text(o, "api_version") ?? "v62.0",
            o.TryGetProperty("usage_limit_percent", out var u) ? u.GetDouble() : 90,
            HttpConnectionOptions.From(o, DefaultLoginUrl, problems));
        problems?.AddRange(SalesforceOptionsValidator.Validate(options));
        return options;
    }
}

/// <summary>A sync's <c>salesforce</c> section: the <c>sobject</c> and its <c>external_id_field</c>, whose value is the payload field of that name.</summary>
public sealed record SalesforceSyncOptions(string SObject, string ExternalIdField)
{
    public static SalesforceSyncOptions From(SyncSettings sync, List<ConfigProblem> problems)
    {
        var o = sync.Options;
        var options = new SalesforceSyncOptions(HttpConnectionOptions.Text(o, "sobject") ?? string.Empty, HttpConnectionOptions.Text(o, "external_id_field") ?? string.Empty);
        problems.AddRange(SalesforceOptionsValidator.Validate(options));
        return options;
    }
}
