using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// The connection's access token: requested by the client-credentials flow, or by the JWT bearer flow (an RS256
/// assertion signed with the connected app's key by <see cref="JsonWebTokenHandler"/>: <c>iss</c>, <c>sub</c>,
/// <c>aud</c> and <c>exp</c> 3 minutes ahead, and no other claim). Neither flow issues a refresh token, so a renewal is
/// a new request. Thread-safe; one request at a time.
/// </summary>
internal sealed class SalesforceAuth(string connection, ISalesforceAuthApi api, SalesforceConnectionOptions options, TimeProvider time) : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SalesforceToken? _token;

    /// <summary>The current token, requesting one first when there is none or <paramref name="renew"/> is set.</summary>
    public async Task<SalesforceToken> GetAsync(bool renew, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || renew)
            {
                _token = await RequestAsync(cancellationToken);
            }

            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<SalesforceToken> RequestAsync(CancellationToken cancellationToken)
    {
        var form = options.PrivateKeyPath is { } key
            ? new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = Assertion(await File.ReadAllTextAsync(key, cancellationToken)),
            }
            : new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = options.ClientId!,
                ["client_secret"] = options.ClientSecret!,
            };
        var answer = await api.TokenAsync(form, cancellationToken).ReceivedAsync("Salesforce", connection);
        if (answer.IsSuccessStatusCode && answer.Content is { AccessToken: { Length: > 0 } } token)
        {
            return token;
        }

        var error = JsonNode.Parse(answer.ErrorContent() is { Length: > 0 } c && c.TrimStart().StartsWith('{') ? c : "{}");
        throw new DestinationException($"Salesforce connection '{connection}': the token request was refused (HTTP {answer.Status()}: {error?["error"]}: {error?["error_description"]})").Refused();
    }

    private string Assertion(string privateKeyPem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.ClientId,
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = options.Username! },
            Audience = options.LoginUrl.GetLeftPart(UriPartial.Authority),
            Expires = time.GetUtcNow().AddMinutes(3).UtcDateTime,
            // No cached signature provider: a cached one would outlive this key, which is disposed after signing.
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256)
            {
                CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
            },
        });
    }
}
