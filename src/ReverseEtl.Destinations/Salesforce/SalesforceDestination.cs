using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>One Salesforce org connection: its token, and its API client on the instance URL.</summary>
internal sealed class SalesforceDestination : IDestination, IDisposable
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

    public SalesforceDestination(ConnectionSettings connection, SalesforceConnectionOptions options, DestinationHttp http, TimeProvider time, ILogger logger)
    {
        (_connection, _options, _time) = (connection, options, time);
        var policy = new SalesforceHttpPolicy();
        var secret = options.ClientId is null ? null : $"{options.LoginUrl}|{options.ClientId}|{options.Username}";
        DelegatingHandler? outer = null;
        if (secret is not null)
        {
            var tokenSpec = new VendorApiSpec(policy, secret, options.Http, options.LoginUrl, DryRunAnswer, Json, BearerToken: false);
            _auth = new SalesforceAuth(connection.Name, http.CreateApi<ISalesforceAuthApi>(connection, tokenSpec, logger).Api, options, time);
            outer = new SalesforceAuthHandler(_auth, useTokenInstance: options.InstanceUrl is null);
        }

        var spec = new VendorApiSpec(policy, secret, options.Http, options.InstanceUrl ?? options.LoginUrl, DryRunAnswer, Json, BearerToken: false) { Outer = outer };
        (_api, DryRunOutboxPath) = http.CreateApi<ISalesforceApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var options = SalesforceSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? new SalesforceWriter(_connection.Name, _api, options, _options, _time)
            : throw DestinationConnector.Invalid(sync, problems);
    }

    public void Dispose() => _auth?.Dispose();

    /// <summary>What Salesforce answers on success, for the dry run: every record upserted, ids derived from the record.</summary>
    private static HttpResponseMessage DryRunAnswer(HttpRequestMessage request, JsonNode? body)
    {
        var results = new JsonArray();
        if (request.Method == HttpMethod.Delete)
        {
            var ids = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["ids"]?.Split(',') ?? [];
            ids.ToList().ForEach(id => results.Add(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() }));
        }

        foreach (var record in body?["records"]?.AsArray() ?? [])
        {
            var id = "001DRY" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(record!.ToJsonString())), 0, 6);
            results.Add(new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = true });
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(results.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
