using System.Globalization;
using System.Text.Json.Nodes;

namespace ReverseEtl.Destinations.DryRun;

/// <summary>
/// Stands in for the network when a destination has no credentials: appends each request as one JSON line
/// (<c>at</c>, <c>method</c>, <c>url</c>, <c>body</c>) to the outbox file and answers as the vendor would on success.
/// </summary>
public sealed class DryRunOutboxHandler(string outboxPath, Func<HttpRequestMessage, JsonNode?, HttpResponseMessage> respond, TimeProvider time)
    : HttpMessageHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var body = string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text);
        var line = new JsonObject
        {
            ["at"] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["method"] = request.Method.Method,
            ["url"] = request.RequestUri?.ToString(),
            ["body"] = body?.DeepClone(),
        };
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(outboxPath)!);
            await File.AppendAllTextAsync(outboxPath, line.ToJsonString() + "\n", cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        return respond(request, body);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
