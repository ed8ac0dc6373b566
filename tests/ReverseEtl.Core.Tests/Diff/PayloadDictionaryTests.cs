using System.Text;
using System.Text.Json;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Tests.Diff;

/// <summary>A payload read straight from the row hashes and serialises as the dictionary it replaces, so stored hashes stay valid.</summary>
public class PayloadDictionaryTests
{
    public static TheoryData<string, object?> AwkwardValues => new()
    {
        { "null", null },
        { "empty", string.Empty },
        { "non-ASCII", "Zoë 東京 😀 \uFFFD e\u0301" },
        { "quotes and controls", "a\"b\\c\n\t\u0000<script>&'" },
        { "very long", new string('é', 300_000) },
        { "decimal", 1.50m },
        { "negative decimal", -0.000001m },
        { "long", long.MinValue },
        { "double", 0.1 },
        { "NaN", double.NaN },
        { "bool", true },
        { "date", new DateOnly(1, 1, 1) },
        { "time", new TimeOnly(23, 59, 59, 999) },
        { "timestamp", new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc).AddTicks(1234) },
        { "nested", new Dictionary<string, object?> { ["東京"] = new List<object?> { 1L, null, "x", new Dictionary<string, object?>() }, ["b"] = false } },
        { "list", new List<object?> { "9", "10", null, 2.5m } },
    };

    [Theory]
    [MemberData(nameof(AwkwardValues))]
    public void Hash_AwkwardValue_SameAsTheDictionaryOfTheSameFields(string what, object? value)
    {
        var row = new object?[] { "key-1", value, 7L, true };
        var view = new PayloadDictionary(new PayloadFields([("id", 0), ("Wert ü", 1), ("n", 2)]), row);
        var dictionary = new Dictionary<string, object?> { ["id"] = "key-1", ["Wert ü"] = value, ["n"] = 7L };

        Assert.Equal(PayloadJson.Hash(dictionary), PayloadJson.Hash(view));
        Assert.Equal(Json(dictionary), Json(view));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public void View_FieldNamedTwice_KeepsTheFirstPlaceAndTheLastColumnAsADictionaryWould()
    {
        var row = new object?[] { "a", "b", "c" };
        var view = new PayloadDictionary(new PayloadFields([("x", 0), ("y", 1), ("x", 2)]), row);
        var dictionary = new Dictionary<string, object?> { ["x"] = "a", ["y"] = "b" };
        dictionary["x"] = "c";

        Assert.Equal(dictionary.ToList(), view.ToList());
        Assert.Equal(PayloadJson.Hash(dictionary), PayloadJson.Hash(view));
        Assert.Equal((2, "c", true, false), (view.Count, view["x"], view.ContainsKey("y"), view.TryGetValue("X", out _)));
    }

    [Fact]
    public void Indexer_UnknownField_NamesIt()
    {
        var view = new PayloadDictionary(new PayloadFields([("x", 0)]), ["a"]);

        var error = Assert.Throws<KeyNotFoundException>(() => view["y"]);

        Assert.Equal("the payload has no field 'y'", error.Message);
    }

    [Theory]
    [InlineData("VARCHAR", true)]
    [InlineData("character varying(20)", true)]
    [InlineData("text", true)]
    [InlineData("TEXT", true)]
    [InlineData("BIGINT", true)]
    [InlineData("integer", true)]
    [InlineData("TIMESTAMP", false)]
    [InlineData("DOUBLE", false)]
    [InlineData("DECIMAL(18,2)", false)]
    [InlineData("FIXED", false)]
    [InlineData("character", false)]
    [InlineData("UUID", false)]
    [InlineData("DATE", false)]
    public void StreamingKeys_OneColumnOfType_StreamsOnlyWhereTheStateTextIsTheKeyText(string type, bool streams)
    {
        Assert.Equal(streams, StreamingKeys.ByTypes([type]));
        Assert.False(StreamingKeys.ByTypes([type, "VARCHAR"]));
    }

    private static string Json(object value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            PayloadJson.WriteValue(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
