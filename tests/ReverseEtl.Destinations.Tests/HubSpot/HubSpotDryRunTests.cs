using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Destinations.HubSpot;

namespace ReverseEtl.Destinations.Tests.HubSpot;

/// <summary>The dry run answers a batch as HubSpot would on success, and the writer reads from it only ids and trace ids.</summary>
public sealed class HubSpotDryRunTests
{
    private const string Upsert = "https://api.hubapi.com/crm/v3/objects/companies/batch/upsert";

    private static readonly string[] Names = ["", "Zoë \"quoted\" \\ <b>&</b>\n\ttab", "Ørsted — Café 東京 🚀", new string('ж', 5_000), "dup"];

    [Fact]
    public async Task Respond_BatchUpsert_EchoesEveryInputsPropertiesWithAnIdFromItsIdValue()
    {
        var inputs = Names.Select((name, i) => new JsonObject
        {
            ["id"] = i == 4 ? "acc-0" : $"acc-{i}", ["idProperty"] = "product_account_id",
            ["properties"] = new JsonObject { ["product_account_id"] = $"acc-{i}", ["name"] = name, ["empty"] = "" },
            ["objectWriteTraceId"] = $"trace-{i}",
        }).ToArray<JsonNode?>();

        var answer = await AnswerAsync(Upsert, new JsonObject { ["inputs"] = new JsonArray(inputs) });

        var results = answer["results"]!.AsArray();
        Assert.Equal("COMPLETE", answer["status"]!.GetValue<string>());
        Assert.Equal(inputs.Length, results.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(inputs[i]!["properties"], results[i]!["properties"]));
            Assert.Equal($"trace-{i}", results[i]!["objectWriteTraceId"]!.GetValue<string>());
            Assert.Equal(DryId(inputs[i]!["id"]!.GetValue<string>()), results[i]!["id"]!.GetValue<string>());
        }

        Assert.Equal(results[0]!["id"]!.GetValue<string>(), results[4]!["id"]!.GetValue<string>()); // the same id value, the same record
    }

    [Theory]
    [InlineData("")]
    [InlineData("Zoë 🚀")]
    [InlineData("a")]
    public async Task Respond_IdsShortLongAndNonAscii_AreTheSha256OfTheIdValue(string stem)
    {
        // The dry id is stored in the state: it must stay the platform's SHA-256 for every length (the stack buffer ends at 256 chars).
        var ids = new[] { stem, stem + new string('é', 256), new string('x', 255) + stem, new string('ü', 5_000) + stem };
        var inputs = ids.Select((id, i) => new JsonObject { ["id"] = id, ["idProperty"] = "p", ["properties"] = new JsonObject { ["p"] = id }, ["objectWriteTraceId"] = $"t{i}" });

        var answer = await AnswerAsync(Upsert, new JsonObject { ["inputs"] = new JsonArray([.. inputs]) });

        Assert.Equal(ids.Select(DryId), answer["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Respond_BatchRead_BringsBackThePropertyReadByAndNoInputsNoResults()
    {
        var read = new JsonObject { ["idProperty"] = "product_account_id", ["inputs"] = new JsonArray(new JsonObject { ["id"] = "Zoë 🚀" }) };

        var answer = await AnswerAsync("https://api.hubapi.com/crm/v3/objects/companies/batch/read", read);
        var none = await AnswerAsync(Upsert, new JsonObject { ["inputs"] = new JsonArray() });

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["product_account_id"] = "Zoë 🚀" }, answer["results"]![0]!["properties"]));
        Assert.Equal(DryId("Zoë 🚀"), answer["results"]![0]!["id"]!.GetValue<string>());
        Assert.Empty(none["results"]!.AsArray());
    }

    [Fact]
    public void WriteResult_AnAnswerWithPropertiesAndErrors_KeepsIdsTraceIdsAndErrors()
    {
        var answer = """
            {"status":"COMPLETE","results":[{"id":"1","properties":{"name":"Zoë","n":null},"objectWriteTraceId":"t1","new":true},
             {"id":"2","properties":{},"objectWriteTraceId":null}],
             "errors":[{"status":"error","category":"VALIDATION_ERROR","message":"bad","context":{"ids":["acc-9"]},"objectWriteTraceId":"t9"}]}
            """;

        var result = JsonSerializer.Deserialize<HubSpotWriteResult>(answer, HubSpotDestination.Json)!;

        Assert.Equal([new HubSpotWritten("1", "t1"), new HubSpotWritten("2", null)], result.Results);
        Assert.Equal(["acc-9"], result.Errors!.Single().Context!["ids"]);
    }

    private static async Task<JsonNode> AnswerAsync(string url, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        using var document = JsonDocument.Parse(bytes);
        using var response = HubSpotDryRun.Respond(request, document.RootElement);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string DryId(string id) => "dry" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)), 0, 6);
}
