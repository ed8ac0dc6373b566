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
        options.Check(problems);
        return options;
    }

    private void Check(List<ConfigProblem>? problems)
    {
        if (problems is null || ClientId is null)
        {
            return;
        }

        if (ClientSecret is null && PrivateKeyPath is null)
        {
            problems.Add(new ConfigProblem("client_id", "set client_secret (client credentials flow) or private_key_path and username (JWT bearer flow)"));
        }

        if (PrivateKeyPath is { } key && !File.Exists(key))
        {
            problems.Add(new ConfigProblem("private_key_path", $"'{key}' does not exist"));
        }

        if (PrivateKeyPath is not null && Username is null)
        {
            problems.Add(new ConfigProblem("username", "the JWT bearer flow needs the username the connected app acts as"));
        }
    }
}

/// <summary>A sync's <c>salesforce</c> section: the <c>sobject</c> and its <c>external_id_field</c>, whose value is the payload field of that name.</summary>
public sealed record SalesforceSyncOptions(string SObject, string ExternalIdField)
{
    public static SalesforceSyncOptions From(SyncSettings sync, List<ConfigProblem> problems)
    {
        var o = sync.Options;
        var sobject = HttpConnectionOptions.Text(o, "sobject");
        var field = HttpConnectionOptions.Text(o, "external_id_field");
        if (sobject is null || field is null)
        {
            problems.Add(new ConfigProblem(sobject is null ? "sobject" : "external_id_field", "name the sObject and its external id field, e.g. sobject: Account, external_id_field: Product_Account_Id__c"));
        }

        return new SalesforceSyncOptions(sobject ?? string.Empty, field ?? string.Empty);
    }
}
