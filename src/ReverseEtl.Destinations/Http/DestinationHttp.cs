using System.Collections.Concurrent;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Creates each connection's <see cref="HttpClient"/> from its vendor's <see cref="IHttpClientFactory"/> handler chain:
/// resilience (retry honouring the vendor's signal, circuit breaker, attempt timeout), the credential's shared pace,
/// then the network or the dry-run outbox.
/// </summary>
/// <remarks>Thread-safe. The clients it returns carry the connection on every request; dispose them with the destination.</remarks>
public sealed class DestinationHttp(IHttpMessageHandlerFactory handlers)
{
    private readonly ConcurrentDictionary<(string Vendor, string Key), HttpConnection> _connections = new();

    /// <summary>
    /// A client for <paramref name="connection"/> whose relative URLs resolve against <paramref name="baseUrl"/>;
    /// <paramref name="outer"/>, when given, sees each request before the retries (e.g. to add a token and renew it once).
    /// </summary>
    public HttpClient CreateClient(HttpConnection connection, Uri baseUrl, DelegatingHandler? outer = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connections[(connection.Policy.Vendor, connection.PipelineKey)] = connection;
        HttpMessageHandler chain = new ConnectionHandler(connection) { InnerHandler = handlers.CreateHandler(connection.Policy.Vendor) };
        if (outer is not null)
        {
            outer.InnerHandler = chain;
            chain = outer;
        }

        return new HttpClient(chain) { BaseAddress = WithTrailingSlash(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
    }

    internal HttpConnection Connection(string vendor, string pipelineKey) =>
        _connections.TryGetValue((vendor, pipelineKey), out var connection)
            ? connection
            : throw new InvalidOperationException($"No {vendor} connection '{pipelineKey}' was created through DestinationHttp.");

    // Refit joins "base" and "/path" by concatenation; a trailing slash on the base would double it, so strip it.
    private static Uri WithTrailingSlash(Uri baseUrl) => new(baseUrl.ToString().TrimEnd('/'));

    /// <summary>Puts the connection on each request, for the handlers below it.</summary>
    private sealed class ConnectionHandler(HttpConnection connection) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(HttpConnection.OptionsKey, connection);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
