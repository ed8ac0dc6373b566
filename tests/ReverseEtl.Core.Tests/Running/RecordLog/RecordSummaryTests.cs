using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Core.Tests.Running.RecordLog;

public sealed class RecordSummaryTests
{
    private static readonly HashSet<string> Phone = new(["phone"], StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Of_AwkwardValues_KeptAsJsonLongOnesCutRedactedReplaced()
    {
        var payload = new Dictionary<string, object?>
        {
            ["name"] = "Zoë \"Q\" 東京\n", ["empty"] = "", ["none"] = null, ["n"] = 42L, ["phone"] = "+33 6 12 34 56 78",
            ["tags"] = new[] { "a", "b" }, ["essay"] = "😀" + new string('ж', 300),
        };

        var (request, hashes) = RecordSummary.Of("s", "k", payload, Phone);

        var expected = $$"""{"name":"Zoë \"Q\" 東京\n","empty":"","none":null,"n":42,"phone":"[redacted]","tags":["a","b"],"essay":"😀{{new string('ж', 198)}}… (302 characters)"}""";
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), JsonNode.Parse(request)!.ToJsonString());
        Assert.Equal(6, JsonNode.Parse(hashes)!.AsObject().Count); // every field but the redacted phone
    }

    [Theory]
    [InlineData("s", "k")]
    [InlineData("", "")]
    [InlineData("sync-é", "Zoë\n東京 😀")]
    public void Of_FieldHashes_StayTheSaltedXxHash3OfEachFieldsJson(string sync, string key)
    {
        var payload = new Dictionary<string, object?>
        {
            ["name"] = "Zoë \"Q\" 東京\n", ["empty"] = "", ["none"] = null, ["n"] = 42L, ["ok"] = true, ["tags"] = new[] { "a", "b" },
            ["champ_é"] = new string('ж', 5_000), ["dup"] = "x", ["dup2"] = "x", [new string('f', 700)] = "a long field name",
            ["huge"] = "😀" + new string('é', 70_000), // past the reused buffer: hashed in parts, the same formula
        };

        var (first, hashes) = RecordSummary.Of(sync, key, payload, new HashSet<string>());
        var again = RecordSummary.Of(sync, key, payload, new HashSet<string>());

        // Hashes stored by earlier runs are compared with new ones (ChangedFields): the formula must not move.
        var expected = payload.ToDictionary(p => p.Key, p => Reference(sync, key, p.Key, p.Value));
        var actual = JsonNode.Parse(hashes)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        Assert.Equal(expected, actual);
        Assert.Equal((first, hashes), again);
        Assert.NotEqual(actual["dup"], actual["dup2"]); // salted with the field's name
    }

    [Fact]
    public void ChangedFields_NamesChangedAddedAndDroppedFields()
    {
        var before = RecordSummary.Of("s", "k", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "x", ["gone"] = null }, Phone).FieldHashes;
        var now = RecordSummary.Of("s", "k", new Dictionary<string, object?> { ["a"] = 1L, ["b"] = "y", ["new"] = "" }, Phone).FieldHashes;

        Assert.Equal(["b", "new", "gone"], RecordSummary.ChangedFields(now, before));
        Assert.Empty(RecordSummary.ChangedFields(now, null));
    }

    [Fact]
    public void Scrub_RedactedValueWrittenIntoATemplate_TakenOutEverywhere()
    {
        var body = JsonNode.Parse("""{"text":"Call +33 6 12 34 56 78 now","blocks":[{"t":"+33 6 12 34 56 78"}],"n":7,"ok":true}""");
        var payload = new Dictionary<string, object?> { ["phone"] = "+33 6 12 34 56 78", ["n"] = 7L };

        var scrubbed = RecordSummary.Scrub(body, payload, Phone);

        Assert.Equal("""{"text":"Call [redacted] now","blocks":[{"t":"[redacted]"}],"n":7,"ok":true}""", scrubbed!.ToJsonString());
        Assert.Equal("Call +33 6 12 34 56 78 now", body!["text"]!.GetValue<string>()); // the body shown is a copy
    }

    // The hash as first written: XxHash3 over "sync\nkey\n", "field\n" and the value's canonical JSON, its low 32 bits as "x8".
    private static string Reference(string sync, string key, string field, object? value)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            PayloadJson.WriteValue(writer, value);
        }

        var hash = new XxHash3();
        hash.Append(Encoding.UTF8.GetBytes($"{sync}\n{key}\n"));
        hash.Append(Encoding.UTF8.GetBytes(field + "\n"));
        hash.Append(json.WrittenSpan);
        return ((uint)hash.GetCurrentHashAsUInt64()).ToString("x8", CultureInfo.InvariantCulture);
    }
}
