using System.Security.Cryptography;
using System.Text;

namespace ReverseEtl.Destinations.Http;

/// <summary>One destination connection's HTTP settings, carried on each of its requests.</summary>
/// <param name="Policy">The vendor's retry and pacing rules.</param>
/// <param name="Connection">The connection's name in the YAML.</param>
/// <param name="CredentialKey">Identifies the credential (never logged or stored: only its hash is kept); syncs with the same one share a pace.</param>
/// <param name="RateLimit">The pace for the credential.</param>
/// <param name="AttemptTimeout">How long one attempt may take.</param>
/// <param name="DryRun">When set, requests go to the outbox instead of the network.</param>
public sealed record HttpConnection(VendorHttpPolicy Policy, string Connection, string CredentialKey, RateLimit RateLimit, TimeSpan AttemptTimeout, DryRunTarget? DryRun)
{
    internal static readonly HttpRequestOptionsKey<HttpConnection> OptionsKey = new("reverse-etl.connection");

    /// <summary>The resilience pipeline's key: one retry and circuit-breaker state per connection.</summary>
    internal string PipelineKey => Connection;

    /// <summary>The shared limiter's key: the vendor and a hash of the credential.</summary>
    internal string LimiterKey => $"{Policy.Vendor}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(CredentialKey)))}";

    internal static HttpConnection Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(OptionsKey, out var connection)
            ? connection
            : throw new InvalidOperationException("A destination request was sent without its connection; create clients through DestinationHttp.");
}
