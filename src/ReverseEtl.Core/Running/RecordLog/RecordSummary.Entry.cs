using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running.RecordLog;

/// <summary>An entry's summary and field hashes, written straight to JSON: a first run notes one per record.</summary>
public static partial class RecordSummary
{
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The payload's summary (a JSON object) and its field hashes (a JSON object of hex strings).</summary>
    public static (string Request, string FieldHashes) Of(string sync, string key, IReadOnlyDictionary<string, object?> payload, IReadOnlySet<string> redact)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(redact);
        var scratch = t_scratch ??= new Scratch();
        scratch.Start();
        var salt = Encoding.UTF8.GetBytes($"{sync}\n{key}\n");
        Span<char> hex = stackalloc char[8];
        foreach (var (field, value) in payload)
        {
            var json = scratch.Value(value);
            scratch.Request.WritePropertyName(field);
            if (redact.Contains(field))
            {
                scratch.Request.WriteStringValue(Redacted);
                continue;
            }

            WriteCut(scratch.Request, json, value);
            scratch.Hash.Reset();
            scratch.Hash.Append(salt);
            scratch.Hash.Append(Encoding.UTF8.GetBytes(field + "\n"));
            scratch.Hash.Append(json);
            ((uint)scratch.Hash.GetCurrentHashAsUInt64()).TryFormat(hex, out _, "x8", CultureInfo.InvariantCulture);
            scratch.Hashes.WriteString(field, hex);
        }

        return scratch.Finish();
    }

    // Short values as they are; a long one as its first characters and its length.
    private static void WriteCut(Utf8JsonWriter writer, ReadOnlySpan<byte> json, object? value)
    {
        if (json.Length <= MaxValueChars || Encoding.UTF8.GetCharCount(json) <= MaxValueChars)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        var text = value as string ?? Encoding.UTF8.GetString(json);
        var head = text[..Math.Min(text.Length, MaxValueChars)];
        if (char.IsHighSurrogate(head[^1]))
        {
            head = head[..^1];
        }

        writer.WriteStringValue($"{head}… ({text.Length} characters)");
    }

    // One thread's writers, reused from entry to entry (kept for the thread's life, so never disposed).
    private sealed class Scratch : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _value = new(256), _request = new(1024), _hashes = new(512);
        private readonly Utf8JsonWriter _valueWriter;

        public Scratch()
        {
            _valueWriter = new Utf8JsonWriter(_value, Writing);
            (Request, Hashes) = (new Utf8JsonWriter(_request, Writing), new Utf8JsonWriter(_hashes, Writing));
        }

        public Utf8JsonWriter Request { get; }

        public Utf8JsonWriter Hashes { get; }

        public XxHash3 Hash { get; } = new();

        public void Start()
        {
            _request.ResetWrittenCount();
            _hashes.ResetWrittenCount();
            Request.Reset();
            Hashes.Reset();
            Request.WriteStartObject();
            Hashes.WriteStartObject();
        }

        // A value as its canonical JSON (the form the payload hash reads), valid until the next call.
        public ReadOnlySpan<byte> Value(object? value)
        {
            _value.ResetWrittenCount();
            _valueWriter.Reset();
            PayloadJson.WriteValue(_valueWriter, value);
            _valueWriter.Flush();
            return _value.WrittenSpan;
        }

        public void Dispose()
        {
            _valueWriter.Dispose();
            Request.Dispose();
            Hashes.Dispose();
        }

        public (string Request, string FieldHashes) Finish()
        {
            Request.WriteEndObject();
            Hashes.WriteEndObject();
            Request.Flush();
            Hashes.Flush();
            return (Encoding.UTF8.GetString(_request.WrittenSpan), Encoding.UTF8.GetString(_hashes.WrittenSpan));
        }
    }
}
