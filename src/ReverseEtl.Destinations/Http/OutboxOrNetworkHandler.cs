using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The end of the chain: the network, or for a connection without credentials the dry-run outbox, which appends each
/// request as one JSON line (<c>at</c>, <c>method</c>, <c>url</c>, <c>body</c>) and answers as the vendor would on success.
/// </summary>
internal sealed class OutboxOrNetworkHandler(TimeProvider time)
    : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (HttpConnection.Of(request).DryRun is not { } target)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var body = string.IsNullOrEmpty(text) ? null : ParseOrText(text);
        var line = new JsonObject
        {
            ["at"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["method"] = request.Method.Method,
            ["url"] = request.RequestUri?.ToString(),
            ["body"] = body?.DeepClone(),
        };
        var gate = Gates.GetOrAdd(target.OutboxPath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target.OutboxPath)!);
            await File.AppendAllTextAsync(target.OutboxPath, line.ToJsonString() + "\n", cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        var response = target.Respond(request, body);
        response.RequestMessage = request;
        return response;
    }

    private static JsonNode ParseOrText(string text)
    {
        try
        {
            return JsonNode.Parse(text)!;
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text); // form-encoded bodies (OAuth token requests) are written as text
        }
    }
}
