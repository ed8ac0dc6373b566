using Google.Protobuf;

namespace ReverseEtl.IntegrationTests.Telemetry;

/// <summary>
/// Reads the OTLP/HTTP protobuf requests a test receives, by the field numbers of opentelemetry-proto
/// (collector/metrics/v1, collector/trace/v1): resource, metric names, spans with their parents.
/// </summary>
internal static class Otlp
{
    /// <summary>One span: its trace, its id, its parent's id (empty for a root) and its name.</summary>
    public sealed record Span(string TraceId, string SpanId, string ParentId, string Name);

    /// <summary>The names of the metrics in an ExportMetricsServiceRequest.</summary>
    public static IEnumerable<string> MetricNames(byte[] request) =>
        Path(ByteString.CopyFrom(request), 1, 2, 2).Select(metric => Text(metric, 1));

    /// <summary>The spans in an ExportTraceServiceRequest.</summary>
    public static IEnumerable<Span> Spans(byte[] request) =>
        Path(ByteString.CopyFrom(request), 1, 2, 2).Select(span => new Span(Hex(span, 1), Hex(span, 2), Hex(span, 4), Text(span, 5)));

    /// <summary>The string attributes of the resources of either request.</summary>
    public static IEnumerable<(string Key, string Value)> ResourceAttributes(byte[] request) =>
        Path(ByteString.CopyFrom(request), 1, 1, 1).Select(kv => (Text(kv, 1), Fields(kv).Where(f => f.Field == 2).Select(v => Text(v.Bytes, 1)).FirstOrDefault() ?? string.Empty));

    // The messages reached through the given field numbers, each repeated field expanded.
    private static IEnumerable<ByteString> Path(ByteString message, params int[] fields) =>
        fields.Aggregate(new[] { message }.AsEnumerable(), (level, field) => level.SelectMany(m => Fields(m).Where(f => f.Field == field).Select(f => f.Bytes)));

    private static string Text(ByteString message, int field) =>
        Fields(message).Where(f => f.Field == field).Select(f => f.Bytes.ToStringUtf8()).FirstOrDefault() ?? string.Empty;

    private static string Hex(ByteString message, int field) =>
        Convert.ToHexString(Fields(message).Where(f => f.Field == field).Select(f => f.Bytes.ToByteArray()).FirstOrDefault() ?? []);

    // The length-delimited fields of one message, in order; a malformed message throws InvalidProtocolBufferException.
    private static List<(int Field, ByteString Bytes)> Fields(ByteString message)
    {
        var (input, fields) = (message.CreateCodedInput(), new List<(int, ByteString)>());
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                fields.Add((WireFormat.GetTagFieldNumber(tag), input.ReadBytes()));
            }
            else
            {
                input.SkipLastField();
            }
        }

        return fields;
    }
}
