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
    /// <summary>
    /// The line's bytes, and the body as JSON for the canned answer (a JSON string when it is not JSON), which the
    /// caller disposes. The body is parsed once, as a document over its own bytes: it checks that the body is JSON
    /// and is what the answer is made from.
    /// </summary>
    public static (ArraySegment<byte> Line, JsonDocument? Body) Of(DateTimeOffset at, string method, string? url, byte[] body)
    {
        var (document, json) = body.Length == 0 ? (null, false) : ParseOrText(body);
        // Room for the line from the start and no copy at the end: a first run's lines are about 120 KB each.
        var buffer = new ArrayBufferWriter<byte>(body.Length + (url?.Length ?? 0) * 6 + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("method", method);
            writer.WriteString("url", url);
            writer.WritePropertyName("body");
            WriteBody(writer, document, json, body);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return (JsonBytesContent.Written(buffer), document);
    }

    private static void WriteBody(Utf8JsonWriter writer, JsonDocument? document, bool json, byte[] body)
    {
        if (document is null)
        {
            writer.WriteNullValue();
        }
        else if (!json)
        {
            writer.WriteStringValue(document.RootElement.GetString());
        }
        else if (body.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            writer.WriteRawValue(body, skipInputValidation: true); // parsed above: valid JSON
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
