using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>One Salesforce org connection: its token, and its API client on the instance URL.</summary>
internal sealed class SalesforceDestination : IDestination, IDestinationFieldCheck, IDestinationFieldReferences, IDisposable
{
    // Salesforce's REST bodies are camelCase (statusCode, allOrNone); the OAuth answer names its own (access_token).
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly SalesforceConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ISalesforceApi _api;
    private readonly SalesforceAuth? _auth;
    private readonly VendorFieldCache<IReadOnlyDictionary<string, SalesforceField>> _described;

    public SalesforceDestination(ConnectionSettings connection, SalesforceConnectionOptions options, DestinationHttp http, TimeProvider time, ILogger logger)
    {
        (_connection, _options, _time) = (connection, options, time);
        _described = new VendorFieldCache<IReadOnlyDictionary<string, SalesforceField>>(time, StringComparer.OrdinalIgnoreCase);
        var policy = new SalesforceHttpPolicy();
        var secret = options.ClientId is null ? null : $"{options.LoginUrl}|{options.ClientId}|{options.Username}";
        DelegatingHandler? outer = null;
        if (secret is not null)
        {
            var tokenSpec = new VendorApiSpec(policy, secret, options.Http, options.LoginUrl, SalesforceDryRun.Respond, Json, BearerToken: false);
            _auth = new SalesforceAuth(connection.Name, http.CreateApi<ISalesforceAuthApi>(connection, tokenSpec, logger).Api, options, time);
            outer = new SalesforceAuthHandler(_auth, useTokenInstance: options.InstanceUrl is null);
        }

        var spec = new VendorApiSpec(policy, secret, options.Http, options.InstanceUrl ?? options.LoginUrl, SalesforceDryRun.Respond, Json, BearerToken: false) { Outer = outer };
        (_api, DryRunOutboxPath) = http.CreateApi<ISalesforceApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = SalesforceSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? Credentials.Checked(new SalesforceWriter(_connection.Name, _api, options, _options, _time), _connection, CredentialKeys(_options))
            : throw DestinationConnector.Invalid(sync, problems);
    }

    public Task<FieldCheckResult> CheckFieldsAsync(SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken) =>
        Credentials.CheckedAsync(() => SalesforceFieldCheck.CheckAsync(_connection.Name, _api, _options, _described, DryRunOutboxPath is not null, sync, fields, cancellationToken),
            _connection, CredentialKeys(_options));

    private static string[] CredentialKeys(SalesforceConnectionOptions options) =>
        options.PrivateKeyPath is null ? ["client_id", "client_secret"] : ["client_id", "private_key_path", "username"];

    public IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync) =>
        SalesforceSyncOptions.From(sync, []) is { ExternalIdField.Length: > 0 } options ? [new FieldReference("external_id_field", options.ExternalIdField)] : [];

    public void Dispose()
    {
        _auth?.Dispose();
        _described.Dispose();
    }
}
