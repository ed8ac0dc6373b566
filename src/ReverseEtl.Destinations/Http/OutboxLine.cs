using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// One line of the dry-run outbox: <c>{"at", "method", "url", "body"}</c> and a line feed. A JSON body is written as
/// the very bytes the vendor would get (a body on several lines, which no client here sends, is written on one);
/// any other body (a form-encoded token request) as a JSON string; none as <c>null</c>.
/// </summary>
internal static class OutboxLine
{
    private static readonly byte[] LineEnd = "}\n"u8.ToArray();

    /// <summary>
    /// The line's bytes, in parts written with one call, and the body as JSON for the canned answer (a JSON string when
    /// it is not JSON), which the caller disposes. The body is parsed once, as a document over its own bytes: it checks
    /// that the body is JSON and is what the answer is made from. A JSON body on one line is a part of its own, not
    /// copied into the line: a first run's bodies are about 40 KB each, 10,000 of them.
    /// </summary>
    public static (IReadOnlyList<ReadOnlyMemory<byte>> Line, JsonDocument? Body) Of(DateTimeOffset at, string method, string? url, byte[] body)
    {
        var (document, json) = body.Length == 0 ? (null, false) : ParseOrText(body);
        var asItIs = document is not null && json && body.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0;
        // Room for the line from the start and no copy at the end.
        var buffer = new ArrayBufferWriter<byte>((asItIs ? 0 : body.Length) + (url?.Length ?? 0) * 6 + 256);
        // The writer checks a value's place only when the next one is written: the envelope may stop after "body":
        // when the body follows as a part of its own.
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("method", method);
            writer.WriteString("url", url);
            writer.WritePropertyName("body");
            if (asItIs)
            {
                writer.Flush();
                return ([JsonBytesContent.Written(buffer), body, LineEnd], document);
            }

            WriteBody(writer, document, json);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return ([JsonBytesContent.Written(buffer)], document);
    }

    // A body that is not JSON on one line: none, text (a form), or JSON on several lines, written on one.
    private static void WriteBody(Utf8JsonWriter writer, JsonDocument? document, bool json)
    {
        if (document is null)
        {
            writer.WriteNullValue();
        }
        else if (!json)
        {
            writer.WriteStringValue(document.RootElement.GetString());
        }
        else
        {
            document.RootElement.WriteTo(writer);
        }
    }

    private static (JsonDocument Document, bool Json) ParseOrText(byte[] body)
    {
        try
        {
            return (JsonDocument.Parse(body), true);
        }
        catch (JsonException)
        {
            // Form-encoded bodies (OAuth token requests) are written as text, and answered as a JSON string.
            return (JsonSerializer.SerializeToDocument(Encoding.UTF8.GetString(body)), false);
        }
    }
}
