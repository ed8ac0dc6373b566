using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Digests;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>What HubSpot answers on success, for the dry-run outbox: record ids derived from the id property's value.</summary>
internal static class HubSpotDryRun
{
    private const string At = "2025-05-20T08:00:00Z";

    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonElement? body)
    {
        var path = request.RequestUri!.AbsolutePath;
        var answer = path switch
        {
            _ when path.StartsWith("/crm/v3/properties/", StringComparison.Ordinal) => Bytes(new() { ["results"] = new JsonArray() }),
            _ when path.StartsWith("/crm/v4/associations/", StringComparison.Ordinal) => Bytes(new() { ["status"] = "COMPLETE", ["results"] = new JsonArray(), ["startedAt"] = At, ["completedAt"] = At }),
            _ when path.EndsWith("/batch/archive", StringComparison.Ordinal) => null,
            _ when path.EndsWith("/search", StringComparison.Ordinal) => Bytes(new() { ["total"] = 0, ["results"] = new JsonArray() }), // finds nothing: records of unknown outcome are created again, in the outbox
            _ when path.EndsWith("/batch/read", StringComparison.Ordinal) => Results(body, readBy: Text(body, "idProperty")),
            _ when path.Contains("/batch/", StringComparison.Ordinal) => Results(body),
            _ => Bytes(new() { ["status"] = "error", ["message"] = "the dry run does not know this call", ["category"] = "VALIDATION_ERROR" }),
        };
        if (answer is null)
        {
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = answer };
    }

    private static JsonBytesContent Bytes(JsonObject answer) => JsonBytesContent.Of(Encoding.UTF8.GetBytes(answer.ToJsonString()));

    // A read finds every record asked for, and brings back the property it was read by; a write echoes each input's
    // properties. The inputs are read from the document the outbox line was checked with (the request is parsed once),
    // and the answer written straight to UTF-8, into a buffer big enough from the start (it echoes the request's
    // properties): a first run answers 10,000 batches of 100 records.
    private static JsonBytesContent Results(JsonElement? body, string? readBy = null)
    {
        var list = body is { ValueKind: JsonValueKind.Object } request && request.TryGetProperty("inputs", out var found) && found.ValueKind == JsonValueKind.Array
            ? found : (JsonElement?)null;
        IEnumerable<JsonElement> inputs = list is { } array ? array.EnumerateArray() : [];
        var buffer = new ArrayBufferWriter<byte>(list is { } sized ? JsonMarshal.GetRawUtf8Value(sized).Length + (sized.GetArrayLength() * 256) + 256 : 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "COMPLETE");
            writer.WriteStartArray("results");
            foreach (var input in inputs)
            {
                WriteResult(writer, input, readBy);
            }

            writer.WriteEndArray();
            writer.WriteString("startedAt", At);
            writer.WriteString("completedAt", At);
            writer.WriteEndObject();
        }

        return JsonBytesContent.Of(buffer);
    }

    private static void WriteResult(Utf8JsonWriter writer, JsonElement input, string? readBy)
    {
        var trace = Text(input, "objectWriteTraceId") ?? string.Empty;
        var id = Text(input, "id") ?? trace;
        writer.WriteStartObject();
        writer.WriteString("id", DryId(id));
        writer.WriteBoolean("new", true);
        writer.WriteBoolean("archived", false);
        writer.WriteString("createdAt", At);
        writer.WriteString("updatedAt", At);
        writer.WritePropertyName("properties");
        if (readBy is not null)
        {
            writer.WriteStartObject();
            writer.WriteString(readBy, id);
            writer.WriteEndObject();
        }
        else if (input.TryGetProperty("properties", out var properties))
        {
            // The request's own bytes: the document was parsed from them, so they are valid JSON as they stand.
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(properties), skipInputValidation: true);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteString("objectWriteTraceId", trace);
        writer.WriteEndObject();
    }

    [ThreadStatic]
    private static Sha256Digest? t_sha256;

    // "dry" and the first 6 bytes of the SHA-256 of the id value in hex, as the state records it: the same id value,
    // the same record id, in every run. BouncyCastle's managed SHA-256: the platform's goes to OpenSSL for each id (a
    // context made and freed, its error queue cleared), which cost more than the hash itself on a first run's million ids.
    private static string DryId(string id)
    {
        var digest = t_sha256 ??= new Sha256Digest();
        Span<byte> hash = stackalloc byte[32];
        var bytes = id.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        digest.BlockUpdate(bytes[..Encoding.UTF8.GetBytes(id, bytes)]);
        digest.DoFinal(hash);
        return string.Concat("dry", Convert.ToHexString(hash[..6]));
    }

    private static string? Text(JsonElement? input, string name) =>
        input is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;
}
