using System.Collections;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Tests.Diff;

public class PayloadJsonTests
{
    public static TheoryData<object?, string> Scalars => new()
    {
        { null, "null" },
        { string.Empty, "\"\"" },
        { true, "true" },
        { 42L, "42" },
        { -7, "-7" },
        { 1.50m, "1.50" },
        { 0.1, "0.1" },
        { 1e21, "1E+21" },
        { double.NaN, "\"NaN\"" },
        { double.PositiveInfinity, "\"Infinity\"" },
        { double.NegativeInfinity, "\"-Infinity\"" },
        { 1.5f, "\"1.5\"" },
        { Guid.Empty, "\"00000000-0000-0000-0000-000000000000\"" },
    };

    [Theory]
    [MemberData(nameof(Scalars))]
    public void WriteValue_Scalar_CanonicalJson(object? value, string expected) => Assert.Equal(expected, Json(value));

    [Fact]
    public void WriteValue_Text_NonAsciiAndHtmlSensitiveCharactersEscaped() =>
        Assert.Equal("""
            "Zo\u00EB \u6771\u4EAC \uD83C\uDF89 \u003Ca href=\u0027x\u0027\u003E\u0026 \u0022q\u0022\t\r\n"
            """, Json("Zoë 東京 🎉 <a href='x'>& \"q\"\t\r\n"));

    [Fact]
    public void WriteValue_TimesAndDates_IsoTextWithoutLocalTimeOrCulture()
    {
        Assert.Equal("\"2025-05-02T14:03:11Z\"", Json(new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc)));
        Assert.Equal("\"2025-05-02T14:03:11Z\"", Json(new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Local)));
        Assert.Equal("\"2025-05-02T14:03:11.0000000\\u002B02:00\"", Json(new DateTimeOffset(2025, 5, 2, 14, 3, 11, TimeSpan.FromHours(2))));
        Assert.Equal("\"0001-01-02\"", Json(new DateOnly(1, 1, 2)));
        Assert.Equal(("\"14:03:00\"", "\"23:59:59.9999999\""), (Json(new TimeOnly(14, 3)), Json(TimeOnly.MaxValue)));
    }

    [Theory]
    [InlineData(0, "2025-05-02T14:03:11Z")]
    [InlineData(1, "2025-05-02T14:03:11.0000001Z")]
    [InlineData(5_000_000, "2025-05-02T14:03:11.5Z")]
    [InlineData(1_230_000, "2025-05-02T14:03:11.123Z")]
    public void FormatTimestamp_ExtraTicks_TrailingZerosAndTheDotDropped(long ticks, string expected) =>
        Assert.Equal(expected, PayloadJson.FormatTimestamp(new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Unspecified).AddTicks(ticks)));

    [Fact]
    public void FormatTimestamp_AnyTicks_AsTheCustomFormatWrites()
    {
        var random = new Random(14);
        var ticks = Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(DateTime.MaxValue.Ticks))
            .Concat([0, 1, 9_999_999, 10_000_000, DateTime.MaxValue.Ticks, new DateTime(999, 12, 31).Ticks + 10, new DateTime(2025, 5, 2).Ticks + 100]);

        foreach (var tick in ticks)
        {
            var value = new DateTime(tick, DateTimeKind.Local);
            var expected = DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, PayloadJson.FormatTimestamp(value));
            Assert.Equal($"\"{expected}\"", Json(value));
        }
    }

    [Fact]
    public void WriteValue_NestedListsAndMaps_ObjectsInTheirOwnOrderAndKeysAsText()
    {
        var value = new Dictionary<string, object?>
        {
            ["z"] = new List<object?> { 1L, null, new Dictionary<string, object?> { ["東京"] = "Zoë" } },
            ["typed"] = new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 },
            ["keyed"] = new Hashtable { [7] = true },
            ["array"] = new[] { "x", "y" },
        };

        Assert.Equal("""{"z":[1,null,{"\u6771\u4EAC":"Zo\u00EB"}],"typed":{"b":2,"a":1},"keyed":{"7":true},"array":["x","y"]}""", Json(value));
    }

    [Fact]
    public void Hash_Payload_IsXxHash3OfItsCanonicalJson()
    {
        var payload = Payload(("id", "Zoë"), ("n", 1L), ("at", new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc)), ("none", null));

        var expected = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes("""{"id":"Zo\u00EB","n":1,"at":"2025-05-02T14:03:11Z","none":null}"""));

        Assert.Equal(expected, PayloadJson.Hash(payload));
    }

    [Fact]
    public void Hash_SameJsonOrNot_EqualExactlyWhenTheCanonicalJsonIs()
    {
        Assert.Equal(PayloadJson.Hash(Payload(("n", 1))), PayloadJson.Hash(Payload(("n", 1L))));
        Assert.NotEqual(PayloadJson.Hash(Payload(("a", 1L), ("b", 2L))), PayloadJson.Hash(Payload(("b", 2L), ("a", 1L))));
        Assert.Equal(3, new[] { Payload(("v", null)), Payload(("v", string.Empty)), Payload() }.Select(PayloadJson.Hash).Distinct().Count());
        Assert.NotEqual(PayloadJson.Hash(Payload(("v", 1.5m))), PayloadJson.Hash(Payload(("v", 1.50m))));
    }

    [Fact]
    public void Hash_PayloadOverTheKeptBuffer_StillRightAndLaterHashesToo()
    {
        var huge = new string('é', 1_500_000);

        var big = PayloadJson.Hash(Payload(("text", huge)));
        var small = PayloadJson.Hash(Payload(("id", "a")));

        Assert.Equal(XxHash3.HashToUInt64(Encoding.UTF8.GetBytes($$"""{"text":"{{string.Concat(Enumerable.Repeat("\\u00E9", 1_500_000))}}"}""")), big);
        Assert.Equal(XxHash3.HashToUInt64("""{"id":"a"}"""u8), small);
    }

    private static Dictionary<string, object?> Payload(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);

    private static string Json(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            PayloadJson.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
