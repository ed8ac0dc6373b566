using System.Buffers;
using System.Collections;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;

namespace ReverseEtl.Core.Diff;

/// <summary>Writes payload values as JSON in one canonical form, and hashes payloads by that form.</summary>
public static class PayloadJson
{
    private const int KeptBufferBytes = 1 << 20;

    private const int TimestampChars = 32, FractionDigits = 7;
    private static readonly string[] FractionFormats = ["D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7"];

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>A stable 64-bit hash (XxHash3) of the payload's canonical JSON: same fields and values, same hash, on every machine.</summary>
    public static ulong Hash(IReadOnlyDictionary<string, object?> payload)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        if (payload is PayloadDictionary row)
        {
            row.WriteTo(scratch.Writer, defaultEncoder: true);
        }
        else
        {
            WriteValue(scratch.Writer, payload);
        }

        scratch.Writer.Flush();
        var hash = XxHash3.HashToUInt64(scratch.Buffer.WrittenSpan);
        if (scratch.Buffer.Capacity > KeptBufferBytes)
        {
            t_scratch = null;
        }

        return hash;
    }

    /// <summary>Writes a value as the warehouse layer normalised it; dictionaries keep their order.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case double d: writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
            case DateTime t: WriteTimestamp(writer, t); break;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateOnly d: writer.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case TimeOnly t: writer.WriteStringValue(t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)); break;
            case PayloadDictionary row: row.WriteTo(writer, defaultEncoder: false); break;
            case IEnumerable<KeyValuePair<string, object?>> map: WriteObject(writer, map); break;
            case IDictionary map: WriteObject(writer, Entries(map)); break;
            case IEnumerable list: WriteArray(writer, list); break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Timestamps are UTC with the precision the warehouse gave, e.g. <c>2025-05-02T14:03:11Z</c>.</summary>
    public static string FormatTimestamp(DateTime value)
    {
        Span<char> text = stackalloc char[TimestampChars];
        return new string(text[..FormatTimestamp(value, text)]);
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, DateTime value)
    {
        Span<char> text = stackalloc char[TimestampChars];
        writer.WriteStringValue(text[..FormatTimestamp(value, text)]);
    }

    // As the custom format "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" writes, without parsing it for every value: "s" (the
    // same up to the seconds, for every year 1-9999), then the fraction with its trailing zeros dropped, if any.
    private static int FormatTimestamp(DateTime value, Span<char> text)
    {
        _ = value.TryFormat(text, out var written, "s", CultureInfo.InvariantCulture);
        var fraction = value.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            var digits = FractionDigits;
            for (; fraction % 10 == 0; fraction /= 10)
            {
                digits--;
            }

            text[written++] = '.';
            _ = fraction.TryFormat(text[written..], out var fractionWritten, FractionFormats[digits], CultureInfo.InvariantCulture);
            written += fractionWritten;
        }

        text[written++] = 'Z';
        return written;
    }

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> map)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in map)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, item);
        }

        writer.WriteEndObject();
    }

    // Apart from WriteValue: a lambda there would capture the case's variable in an object made on every call, for
    // every value written (about 260 MB in a 1M-row first run), while few values are dictionaries.
    private static IEnumerable<KeyValuePair<string, object?>> Entries(IDictionary map) =>
        map.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(Convert.ToString(k, CultureInfo.InvariantCulture)!, map[k]));

    private static void WriteArray(Utf8JsonWriter writer, IEnumerable list)
    {
        writer.WriteStartArray();
        foreach (var item in list)
        {
            WriteValue(writer, item);
        }

        writer.WriteEndArray();
    }

    /// <summary>A buffer and writer reused by the hashes on one thread, so that hashing a row allocates little.</summary>
    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Buffer);

        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public Utf8JsonWriter Writer { get; }
    }
}
