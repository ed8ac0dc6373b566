using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// The connection's access token: requested by the client-credentials flow, or by the JWT bearer flow (an RS256
/// assertion signed with the connected app's key, valid 3 minutes). Neither flow issues a refresh token, so a renewal
/// is a new request. Thread-safe; one request at a time.
/// </summary>
internal sealed class SalesforceAuth(string connection, ISalesforceAuthApi api, SalesforceConnectionOptions options, TimeProvider time) : IDisposable
{
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
        var flow = options.PrivateKeyPath is null ? "SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET" : "SALESFORCE_CLIENT_ID, the private key and SALESFORCE_USERNAME";
        throw new DestinationException($"Salesforce connection '{connection}': the token request was refused (HTTP {answer.Status()}: {error?["error"]}: {error?["error_description"]}); check {flow}");
    }

    private string Assertion(string privateKeyPem)
    {
        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        var claims = new JsonObject
        {
            ["iss"] = options.ClientId,
            ["sub"] = options.Username,
            ["aud"] = options.LoginUrl.GetLeftPart(UriPartial.Authority),
            ["exp"] = time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds(),
        };
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }
}

/// <summary>
/// Puts the token on each request and sends it to the token's instance; on 401 (INVALID_SESSION_ID) renews the token
/// once and repeats the request once. It sits outside the retries: a refused session is not an outage.
/// </summary>
internal sealed class SalesforceAuthHandler(SalesforceAuth auth, bool useTokenInstance) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await SendWithAsync(request, await auth.GetAsync(renew: false, cancellationToken), cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        using var again = Copy(request, body);
        return await SendWithAsync(again, await auth.GetAsync(renew: true, cancellationToken), cancellationToken);
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, SalesforceToken token, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.AccessToken);
        if (useTokenInstance && Uri.TryCreate(token.InstanceUrl, UriKind.Absolute, out var instance))
        {
            request.RequestUri = new Uri(instance, request.RequestUri!.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }
}
