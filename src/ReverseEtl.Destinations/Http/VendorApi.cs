using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>What a vendor's Refit client is built from.</summary>
/// <param name="Policy">The vendor's retry and pacing rules.</param>
/// <param name="Secret">The credential (token, or a webhook URL); null means a dry run to the outbox.</param>
/// <param name="Http">The connection's shared HTTP keys.</param>
/// <param name="BaseUrl">What relative paths resolve against.</param>
/// <param name="DryRunAnswer">How the vendor answers on success, for the dry run.</param>
/// <param name="Json">How bodies are written and read.</param>
/// <param name="BearerToken">Whether the secret is sent as <c>Authorization: Bearer</c>.</param>
public sealed record VendorApiSpec(
    VendorHttpPolicy Policy,
    string? Secret,
    HttpConnectionOptions Http,
    Uri BaseUrl,
    Func<HttpRequestMessage, JsonNode?, HttpResponseMessage> DryRunAnswer,
    JsonSerializerOptions Json,
    bool BearerToken = true)
{
    /// <summary>Headers sent on every request, e.g. a pinned API version.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A handler that sees each request before the retries, e.g. one that adds an OAuth token and renews it.</summary>
    public DelegatingHandler? Outer { get; init; }
}

/// <summary>A vendor's Refit client for one connection, and where its dry run writes (null when it sends for real).</summary>
public sealed record VendorApi<TApi>(TApi Api, string? DryRunOutboxPath);

public static partial class VendorApiExtensions
{
    /// <summary>Builds the connection's Refit client over <see cref="DestinationHttp"/>; without a secret, a dry run that says so in the log.</summary>
    public static VendorApi<TApi> CreateApi<TApi>(this DestinationHttp http, ConnectionSettings connection, VendorApiSpec spec, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(spec);
        string? outbox = null;
        DryRunTarget? dryRun = null;
        if (spec.Secret is null)
        {
            outbox = Path.Combine(connection.Paths.OutboxDirectory, $"{connection.Name}.jsonl");
            dryRun = new DryRunTarget(outbox, spec.DryRunAnswer);
            LogDryRun(logger, spec.Policy.Vendor, connection.Name, outbox);
        }

        var limit = spec.Http.RateLimit ?? spec.Policy.DefaultRateLimit;
        var client = http.CreateClient(
            new HttpConnection(spec.Policy, connection.Name, spec.Secret ?? connection.Name, limit, spec.Http.AttemptTimeout, dryRun), spec.BaseUrl, spec.Outer);
        if (spec.BearerToken)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", spec.Secret ?? "dry-run");
        }

        foreach (var (name, value) in spec.Headers)
        {
            client.DefaultRequestHeaders.Add(name, value);
        }

        return new VendorApi<TApi>(RestService.For<TApi>(client, new RefitSettings(new SystemTextJsonContentSerializer(spec.Json))), outbox);
    }

    [LoggerMessage(2000, LogLevel.Warning, "{Vendor} connection {Connection} has no credential: dry run, requests are written to {Outbox}")]
    private static partial void LogDryRun(ILogger logger, string vendor, string connection, string outbox);
}
