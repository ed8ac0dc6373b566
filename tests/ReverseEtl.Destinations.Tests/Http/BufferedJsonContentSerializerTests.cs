using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Refit;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;

namespace ReverseEtl.Destinations.Tests.Http;

/// <summary>Answers read from their bytes come out as Refit's own stream reader reads them, awkward text and charsets included.</summary>
public sealed class BufferedJsonContentSerializerTests
{
    // A 207 as HubSpot documents it: echoed properties (skipped), a null trace id, non-ASCII, escapes, an error with its context.
    private const string Answer = """
        {"status":"COMPLETE","results":[{"id":"1","new":true,"properties":{"name":"Zoë \"q\" \\ 🚀 東京","empty":"","n":null},"objectWriteTraceId":"t1"},
         {"id":"2","properties":{},"objectWriteTraceId":null},{"id":"ж\u00e9","properties":{"long":"LONG"},"objectWriteTraceId":"t\n3"}],
         "errors":[{"status":"error","category":"VALIDATION_ERROR","message":"bad «value»","context":{"ids":["acc-9",""]},"objectWriteTraceId":"t9"}],
         "startedAt":"2025-05-20T08:00:00Z","completedAt":"2025-05-20T08:00:00Z"}
        """;

    private readonly BufferedJsonContentSerializer _serializer = new(HubSpotDestination.Json);
    private readonly SystemTextJsonContentSerializer _refit = new(HubSpotDestination.Json);

    [Theory]
    [InlineData("utf-8", false)]
    [InlineData(null, false)]
    [InlineData("utf-8", true)]
    [InlineData("\"UTF-8\"", false)]
    public async Task FromHttpContentAsync_AHubSpotAnswer_ReadsWhatRefitReads(string? charset, bool bom)
    {
        var text = Answer.Replace("LONG", new string('x', 100_000), StringComparison.Ordinal);
        var bytes = (bom ? [0xEF, 0xBB, 0xBF] : Array.Empty<byte>()).Concat(Encoding.UTF8.GetBytes(text)).ToArray();

        var read = await _serializer.FromHttpContentAsync<HubSpotWriteResult>(Content(bytes, charset));
        var expected = await _refit.FromHttpContentAsync<HubSpotWriteResult>(Content(bytes, charset));

        Assert.Equal(expected!.Results, read!.Results);
        Assert.Equal([new HubSpotWritten("1", "t1"), new HubSpotWritten("2", null), new HubSpotWritten("жé", "t\n3")], read.Results);
        Assert.Equal(["acc-9", ""], read.Errors!.Single().Context!["ids"]);
        Assert.Equal("bad «value»", read.Errors!.Single().Message);
    }

    [Fact]
    public async Task FromHttpContentAsync_ADryRunAnswerOverPartOfItsBuffer_ReadsWhatRefitReadsFromItsBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(Answer.Replace("LONG", new string('ж', 100_000), StringComparison.Ordinal));
        var buffer = new ArrayBufferWriter<byte>(bytes.Length * 2); // the answer fills part of the array: its end is not the array's
        buffer.Write(bytes);
        buffer.GetSpan(16).Fill((byte)'}');

        using var own = JsonBytesContent.Of(buffer);
        var read = await _serializer.FromHttpContentAsync<HubSpotWriteResult>(own);
        var expected = await _refit.FromHttpContentAsync<HubSpotWriteResult>(Content(bytes, "utf-8"));

        Assert.Equal(bytes, await own.ReadAsByteArrayAsync());
        Assert.Equal("application/json; charset=utf-8", own.Headers.ContentType!.ToString());
        Assert.Equal(expected!.Results, read!.Results);
        Assert.Equal(["acc-9", ""], read.Errors!.Single().Context!["ids"]);
    }

    [Fact]
    public async Task FromHttpContentAsync_AnotherCharset_IsTranscodedAsRefitDoes()
    {
        var latin1 = Encoding.Latin1.GetBytes("""{"status":"Café Zoë","results":[]}""");

        var read = await _serializer.FromHttpContentAsync<HubSpotWriteResult>(Content(latin1, "iso-8859-1"));

        Assert.Equal("Café Zoë", read!.Status);
        Assert.Empty(read.Results!);
    }

    [Fact]
    public async Task FromHttpContentAsync_EmptyOrNotJson_ThrowsAsRefitDoes()
    {
        foreach (var body in new[] { string.Empty, "<html>Bad gateway</html>", "{\"status\":" })
        {
            var expected = await Assert.ThrowsAnyAsync<JsonException>(() => _refit.FromHttpContentAsync<HubSpotWriteResult>(Content(Encoding.UTF8.GetBytes(body), "utf-8")));
            var thrown = await Assert.ThrowsAnyAsync<JsonException>(() => _serializer.FromHttpContentAsync<HubSpotWriteResult>(Content(Encoding.UTF8.GetBytes(body), "utf-8")));
            Assert.Equal(expected.GetType(), thrown.GetType());
        }
    }

    [Fact]
    public async Task ToHttpContent_WritesWhatRefitWrites()
    {
        var input = new HubSpotBatchInput([new HubSpotUpsertInput("Zoë 🚀", "product_account_id", new Dictionary<string, string> { ["name"] = "\"q\" \\ <b>", ["empty"] = "" }, "acc-1")]);

        using var content = _serializer.ToHttpContent(input);
        using var expected = _refit.ToHttpContent(input);

        Assert.Equal(await expected.ReadAsByteArrayAsync(), await content.ReadAsByteArrayAsync());
        Assert.Equal(expected.Headers.ContentType, content.Headers.ContentType);
    }

    private static ByteArrayContent Content(byte[] bytes, string? charset)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };
        return content;
    }
}
