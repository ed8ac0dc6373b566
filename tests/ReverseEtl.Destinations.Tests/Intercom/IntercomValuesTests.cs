using ReverseEtl.Destinations.Intercom;

namespace ReverseEtl.Destinations.Tests.Intercom;

public class IntercomValuesTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, object?> Row = new(StringComparer.Ordinal)
    {
        ["suggested_integration"] = null,
        ["partner_tools"] = "",
        ["onboarding_stage"] = "Zoë — 東京",
        ["days_in_stage"] = 3L,
        ["stage_entered_at"] = new DateTime(2025, 5, 17, 6, 0, 0, DateTimeKind.Utc),
    };

    [Fact]
    public void Object_NullsNotKept_LeavesTheNullOutAndKeepsEmptyAndNonAsciiText() =>
        Assert.Equal(
            """{"partner_tools":"","onboarding_stage":"Zoë — 東京","days_in_stage":3,"stage_entered_at":1747461600}""",
            IntercomValues.Object(Row.Keys, Row, keepNulls: false).ToJsonString(Relaxed));

    [Fact]
    public void Object_NullsKept_SendsTheNullThatClears() =>
        Assert.Equal(
            """{"suggested_integration":null,"partner_tools":""}""",
            IntercomValues.Object(["suggested_integration", "partner_tools"], Row, keepNulls: true).ToJsonString(Relaxed));

    [Fact]
    public void Object_NameNotInTheRow_LeftOutUnlessNullsAreKept()
    {
        Assert.Empty(IntercomValues.Object(["missing"], Row, keepNulls: false));
        Assert.Equal("""{"missing":null}""", IntercomValues.Object(["missing"], Row, keepNulls: true).ToJsonString());
    }

    [Fact]
    public void Clearing_ANullBecomesEmptyText_OtherValuesAsTheyAre() =>
        Assert.Equal("""{"a":"","b":"Zoë 東京","c":""}""",
            IntercomValues.Clearing(["a", "b", "c"], new Dictionary<string, object?> { ["a"] = null, ["b"] = "Zoë 東京" }).ToJsonString(Relaxed));
}
