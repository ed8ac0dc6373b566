using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;

namespace ReverseEtl.Destinations.Tests.Policies;

/// <summary>Warehouse values as each vendor takes them.</summary>
public class ValueFormatTests
{
    public static TheoryData<object?, string> HubSpotValuesData => new()
    {
        { null, "" },
        { 18L, "18" },
        { 0.5m, "0.5" },
        { true, "true" },
        { new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Unspecified), "2025-05-02T14:03:11Z" },
        { new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc).AddTicks(9_999_999), "2025-05-02T14:03:11Z" }, // the fraction is dropped
        { DateTime.MinValue, "0001-01-01T00:00:00Z" },
        { DateTime.MaxValue, "9999-12-31T23:59:59Z" },
        { new DateTimeOffset(2025, 12, 31, 23, 30, 0, TimeSpan.FromHours(-2)), "2026-01-01T01:30:00Z" },
        { new[] { "salesforce", "slack" }, "salesforce; slack" },
    };

    [Theory]
    [MemberData(nameof(HubSpotValuesData))]
    public void HubSpot_PropertyValues_AreInvariantText(object? value, string expected) =>
        Assert.Equal(expected, HubSpotValues.Format(value));

    [Fact]
    public void Intercom_Values_KeepTheirTypeTimestampsBecomeUnixSecondsAndListsText()
    {
        Assert.Equal("1746194591", IntercomValues.Node(new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc))!.ToJsonString());
        Assert.Equal("\"salesforce, slack\"", IntercomValues.Node(new List<string> { "salesforce", "slack" })!.ToJsonString());
        Assert.Equal(("integer", "date", "string"), (IntercomValues.DataType(3L), IntercomValues.DataType(DateTime.UnixEpoch), IntercomValues.DataType("x")));
        Assert.Null(IntercomValues.Node(null));
    }
}
