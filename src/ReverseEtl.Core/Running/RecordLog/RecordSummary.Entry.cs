using System.Buffers;
using System.Buffers.Binary;
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
        scratch.Start(sync, key);
        Span<char> hex = stackalloc char[8];
        foreach (var (field, value) in payload)
        {
            var json = scratch.Value(value);
            var name = scratch.Name(field);
            scratch.Request.WritePropertyName(name.Json);
            if (redact.Contains(field))
            {
                scratch.Request.WriteStringValue(Redacted);
                continue;
            }

            WriteCut(scratch.Request, json, value);
            Hex(scratch.FieldHash(name.Utf8, json), hex);
            scratch.Hashes.WriteString(name.Json, hex);
        }

        return scratch.Finish();
    }

    // The low 32 bits of a field's hash as 8 lower-case hex digits (what "x8" writes).
    private static void Hex(ulong hash, Span<char> hex)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)hash);
        Convert.TryToHexStringLower(bytes, hex, out _);
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
        // Field names seen, encoded once; a thread that meets more than this many starts again (a bound, not a case).
        private const int MaxNames = 1_024;

        // Past this, a field's hash is computed in parts (the same hash) instead of in the reused buffer.
        private const int MaxHashedBytes = 64 * 1024;
        private readonly ArrayBufferWriter<byte> _value = new(256), _request = new(1024), _hashes = new(512);
        private readonly Utf8JsonWriter _valueWriter;
        private readonly Dictionary<string, (JsonEncodedText Json, byte[] Utf8)> _names = new(StringComparer.Ordinal);
        private byte[] _hashed = new byte[512];
        private int _salt;

        public Scratch()
        {
            _valueWriter = new Utf8JsonWriter(_value, Writing);
            (Request, Hashes) = (new Utf8JsonWriter(_request, Writing), new Utf8JsonWriter(_hashes, Writing));
        }

        public Utf8JsonWriter Request { get; }

        public Utf8JsonWriter Hashes { get; }

        // The salt ("sync\nkey\n") goes first in the hashed bytes of every field of the entry.
        public void Start(string sync, string key)
        {
            _request.ResetWrittenCount();
            _hashes.ResetWrittenCount();
            Request.Reset();
            Hashes.Reset();
            Request.WriteStartObject();
            Hashes.WriteStartObject();
            _salt = 0;
            Add(sync);
            Add("\n");
            Add(key);
            Add("\n");
        }

        // A field's name as JSON, and as UTF-8 with its line feed (the part of the hashed bytes after the salt).
        public (JsonEncodedText Json, byte[] Utf8) Name(string field)
        {
            if (!_names.TryGetValue(field, out var name))
            {
                if (_names.Count >= MaxNames)
                {
                    _names.Clear();
                }

                name = (JsonEncodedText.Encode(field, Writing.Encoder), Encoding.UTF8.GetBytes(field + "\n"));
                _names.Add(field, name);
            }

            return name;
        }

        // XxHash3 of salt, field name and line feed, and the value's JSON: the same bytes, in one call.
        public ulong FieldHash(byte[] name, ReadOnlySpan<byte> json)
        {
            if (_salt + name.Length + json.Length > MaxHashedBytes)
            {
                return Streamed(name, json);
            }

            Room(_salt + name.Length + json.Length);
            name.CopyTo(_hashed.AsSpan(_salt));
            json.CopyTo(_hashed.AsSpan(_salt + name.Length));
            return XxHash3.HashToUInt64(_hashed.AsSpan(0, _salt + name.Length + json.Length));
        }

        // A very long value is hashed in parts rather than copied: the thread's buffer stays small in a long-lived worker.
        private ulong Streamed(byte[] name, ReadOnlySpan<byte> json)
        {
            var hash = new XxHash3();
            hash.Append(_hashed.AsSpan(0, _salt));
            hash.Append(name);
            hash.Append(json);
            return hash.GetCurrentHashAsUInt64();
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

        private void Add(string text)
        {
            Room(_salt + Encoding.UTF8.GetMaxByteCount(text.Length));
            _salt += Encoding.UTF8.GetBytes(text, _hashed.AsSpan(_salt));
        }

        private void Room(int length)
        {
            if (_hashed.Length < length)
            {
                Array.Resize(ref _hashed, Math.Max(length, _hashed.Length * 2));
            }
        }
    }
}
