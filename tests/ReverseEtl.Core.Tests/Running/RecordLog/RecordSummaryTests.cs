using System.Text.Json.Nodes;
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
}
