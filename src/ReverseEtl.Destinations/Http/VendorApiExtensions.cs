using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

public static partial class VendorApiExtensions
{
    /// <summary>Builds the connection's Refit client over <see cref="DestinationHttp"/>; without a secret, a dry run that says so in the log when it writes its first request.</summary>
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
            var path = outbox;
            dryRun = new DryRunTarget(outbox, spec.DryRunAnswer) { FirstWrite = () => LogDryRun(logger, spec.Policy.Vendor, connection.Name, path) };
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

        return new VendorApi<TApi>(RestService.For<TApi>(client, new RefitSettings(new BufferedJsonContentSerializer(spec.Json))), outbox);
    }

    [LoggerMessage(2000, LogLevel.Warning, "{Vendor} connection {Connection} has no credential: dry run, its requests are written to {Outbox} and not sent")]
    private static partial void LogDryRun(ILogger logger, string vendor, string connection, string outbox);
}
