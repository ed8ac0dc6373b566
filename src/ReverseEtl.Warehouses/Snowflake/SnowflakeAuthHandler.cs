using System.Net;
using System.Net.Http.Headers;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>
/// Adds the headers every SQL API request needs: the bearer token (a key-pair JWT, renewed before it expires and once
/// on 401), its type, JSON Accept and a User-Agent.
/// </summary>
internal sealed class SnowflakeAuthHandler(SnowflakeOptions options, TimeProvider time) : DelegatingHandler
{
    private readonly SnowflakeKeyPairToken? _jwt = options.PrivateKeyPath is null ? null : new SnowflakeKeyPairToken(options, time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await base.SendAsync(Sign(request, renew: false), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || _jwt is null)
        {
            return response;
        }

        response.Dispose();
        var again = new HttpRequestMessage(request.Method, request.RequestUri) { Content = body is null ? null : new ByteArrayContent(body) };
        if (again.Content is not null)
        {
            again.Content.Headers.ContentType = request.Content!.Headers.ContentType;
        }

        return await base.SendAsync(Sign(again, renew: true), cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _jwt?.Dispose();
        }

        base.Dispose(disposing);
    }

    private HttpRequestMessage Sign(HttpRequestMessage request, bool renew)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _jwt?.Get(renew) ?? options.Token);
        request.Headers.Remove("X-Snowflake-Authorization-Token-Type");
        request.Headers.Add("X-Snowflake-Authorization-Token-Type", options.TokenType);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.ParseAdd("reverse-etl/1.0");
        return request;
    }
}
