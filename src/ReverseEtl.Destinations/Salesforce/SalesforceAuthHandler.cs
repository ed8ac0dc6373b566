using System.Net;
using System.Net.Http.Headers;

namespace ReverseEtl.Destinations.Salesforce;

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
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        using var again = Copy(request, body);
        return await SendWithAsync(again, await auth.GetAsync(renew: true, cancellationToken), cancellationToken);
    }

    private Task<HttpResponseMessage> SendWithAsync(HttpRequestMessage request, SalesforceToken token, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
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
