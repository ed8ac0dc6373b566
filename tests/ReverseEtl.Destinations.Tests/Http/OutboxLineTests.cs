using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>
/// An outbox line carries the body as the vendor gets it, and the same single parse of it is what the dry run answers
/// from: a JSON body as its document, a form-encoded one as a JSON string, none as nothing.
/// </summary>
public sealed class OutboxLineTests
{
    private static readonly DateTimeOffset At = new(2025, 5, 20, 8, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Of_JsonOnOneLine_WritesTheBytesAsTheyAreAndGivesTheirDocument()
    {
        // Escapes kept as sent (\u00e9 is not rewritten to é), awkward text, an empty string, a duplicate name.
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"id":"caf\u00e9","name":"Zoë \"q\" \\ 🚀 東京","empty":"","id":"dup","n":null}]}""");

        var (segment, document) = OutboxLine.Of(At, "POST", "https://api.hubapi.com/x", body);
        var line = Joined(segment);
        using (document)
        {
            using var parsed = JsonDocument.Parse(line);
            var written = parsed.RootElement;
            Assert.Equal(body, Encoding.UTF8.GetBytes(written.GetProperty("body").GetRawText()));
            Assert.Equal("2025-05-20T08:00:00.123Z", written.GetProperty("at").GetString());
            Assert.Equal((byte)'\n', line[^1]);
            Assert.Equal(1, line.Count(b => b == (byte)'\n'));
            Assert.Equal(["café", "dup"], document!.RootElement.GetProperty("inputs")[0].EnumerateObject().Where(p => p.Name == "id").Select(p => p.Value.GetString()));
            Assert.True(MemoryMarshal.TryGetArray(segment[1], out var part) && ReferenceEquals(body, part.Array)); // the body itself, not a copy
        }
    }

    [Fact]
    public void Of_JsonOnSeveralLines_WritesItOnOneLineWithTheSameContent()
    {
        var body = Encoding.UTF8.GetBytes("{\n  \"text\": \"a\\nb ж\",\r\n  \"list\": [1, 2.50, true, null, {}]\n}");

        var (segment, document) = OutboxLine.Of(At, "POST", null, body);
        var line = Joined(segment);
        using (document)
        {
            Assert.Equal(1, line.Count(b => b == (byte)'\n'));
            var written = JsonNode.Parse(line)!["body"];
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), written));
            Assert.Equal("""{"text":"a\nb \u0436","list":[1,2.50,true,null,{}]}""", written!.ToJsonString());
            Assert.Equal(JsonValueKind.Object, document!.RootElement.ValueKind);
        }
    }

    [Fact]
    public void Of_FormEncodedOrEmpty_WritesTextAsAStringAndNoBodyAsNull()
    {
        var form = Encoding.UTF8.GetBytes("grant_type=refresh_token&client_id=Zo%C3%AB&x=\"ö\"");

        var (segment, document) = OutboxLine.Of(At, "POST", "https://login.example.com/token", form);
        var line = Joined(segment);
        var (none, nothing) = OutboxLine.Of(At, "GET", "https://api.example.com/y", []);
        using (document)
        {
            Assert.Equal("grant_type=refresh_token&client_id=Zo%C3%AB&x=\"ö\"", JsonNode.Parse(line)!["body"]!.GetValue<string>());
            Assert.Equal(JsonValueKind.String, document!.RootElement.ValueKind);
            Assert.Equal(Encoding.UTF8.GetString(form), document.RootElement.GetString());
        }

        Assert.Null(nothing);
        using var noBody = JsonDocument.Parse(Joined(none));
        Assert.Equal(JsonValueKind.Null, noBody.RootElement.GetProperty("body").ValueKind);
    }

    [Fact]
    public void Of_JsonOnOneLineToAnEscapedUrl_TheLineIsTheEnvelopeTheBodyAndItsEnd()
    {
        var body = Encoding.UTF8.GetBytes("""["Zoë", 1, null, "", "\u00e9"]""");

        var (parts, document) = OutboxLine.Of(At, "POST", "https://example.com/q?email=zoë@x.io&n=\"1\"", body);
        using (document)
        {
            var expected = """{"at":"2025-05-20T08:00:00.123Z","method":"POST","url":"https://example.com/q?email=zo\u00EB@x.io\u0026n=\u00221\u0022","body":"""
                + Encoding.UTF8.GetString(body) + "}\n";
            Assert.Equal(expected, Encoding.UTF8.GetString(Joined(parts)));
            Assert.Equal(3, parts.Count);
        }
    }

    [Fact]
    public void Of_JsonScalarWithALoneCarriageReturnInside_WrittenOnOneLineAsOnePart()
    {
        var body = Encoding.UTF8.GetBytes("\"a\"\r");

        var (parts, document) = OutboxLine.Of(At, "POST", "https://api.example.com/z", body);
        using (document)
        {
            var line = Joined(parts);
            Assert.Single(parts);
            Assert.Equal(1, line.Count(b => b == (byte)'\n'));
            Assert.DoesNotContain((byte)'\r', line);
            Assert.Equal("a", JsonNode.Parse(line)!["body"]!.GetValue<string>());
        }
    }

    private static byte[] Joined(IReadOnlyList<ReadOnlyMemory<byte>> parts) => parts.SelectMany(p => p.ToArray()).ToArray();
}
