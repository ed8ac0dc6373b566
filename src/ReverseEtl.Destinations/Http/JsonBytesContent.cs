using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A JSON answer made here (the dry run's), over the very bytes it was written into: it is read back by
/// <see cref="BufferedJsonContentSerializer"/> from those bytes, not through a buffered copy. A first run's 10,000
/// answers of about 120 KB each were copied three times (the writer's growth, its array, HttpClient's buffer), each a
/// large object the collector clears and sweeps.
/// </summary>
internal sealed class JsonBytesContent : ByteArrayContent
{
    private JsonBytesContent(ArraySegment<byte> bytes)
        : base(bytes.Array!, bytes.Offset, bytes.Count)
    {
        Bytes = bytes;
        Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
    }

    /// <summary>The answer's UTF-8 JSON.</summary>
    public ArraySegment<byte> Bytes { get; }

    public static JsonBytesContent Of(byte[] bytes) => new(bytes);

    /// <summary>The written part of <paramref name="buffer"/>, which is not written to again.</summary>
    public static JsonBytesContent Of(ArrayBufferWriter<byte> buffer) => new(Written(buffer));

    /// <summary>The written part of <paramref name="buffer"/> without a copy (its memory is always an array).</summary>
    public static ArraySegment<byte> Written(ArrayBufferWriter<byte> buffer) =>
        MemoryMarshal.TryGetArray(buffer.WrittenMemory, out var segment) ? segment : buffer.WrittenSpan.ToArray();
}
