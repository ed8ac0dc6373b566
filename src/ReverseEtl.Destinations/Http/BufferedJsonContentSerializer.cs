using System.Reflection;
using System.Text.Json;
using Refit;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// Refit's System.Text.Json serializer, but for reading answers: an answer is already in memory when it is read (the
/// network's is buffered by <see cref="OutboxOrNetworkHandler"/>, the dry run's is an array), so it is deserialized
/// from its bytes in one synchronous pass instead of through the serializer's resumable stream reader, which cost
/// about twice as much per answer (a first run reads 10,000 of them at 1M rows). Requests are written as Refit writes them.
/// </summary>
internal sealed class BufferedJsonContentSerializer(JsonSerializerOptions options) : IHttpContentSerializer
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly SystemTextJsonContentSerializer _refit = new(options);

    public HttpContent ToHttpContent<T>(T item) => _refit.ToHttpContent(item);

    public async Task<T?> FromHttpContentAsync<T>(HttpContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content is JsonBytesContent own)
        {
            return JsonSerializer.Deserialize<T>(own.Bytes, options); // a dry-run answer: UTF-8 written here, no BOM
        }

        if (content.Headers.ContentType?.CharSet is { } charset && !IsUtf8(charset))
        {
            return await _refit.FromHttpContentAsync<T>(content, cancellationToken); // transcodes the answer's own charset
        }

        var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        var json = bytes.AsSpan();
        return JsonSerializer.Deserialize<T>(json.StartsWith(Utf8Bom) ? json[Utf8Bom.Length..] : json, options); // the stream reader skips a BOM too
    }

    public string? GetFieldNameForProperty(PropertyInfo propertyInfo) => _refit.GetFieldNameForProperty(propertyInfo);

    private static bool IsUtf8(string charset) =>
        charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase);
}
