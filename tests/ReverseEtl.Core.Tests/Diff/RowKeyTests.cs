using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Tests.Diff;

public class RowKeyTests
{
    public static TheoryData<object, string> SingleValues => new()
    {
        { "Zoë 東京 🎉", "Zoë 東京 🎉" },
        { " ", " " },
        { "line\r\nbreak\ttab", "line\r\nbreak\ttab" },
        { 42L, "42" },
        { -7, "-7" },
        { 1.50m, "1.50" },
        { 0.1, "0.1" },
        { true, "true" },
        { false, "false" },
        { new DateTime(2025, 5, 2, 14, 3, 11, 500, DateTimeKind.Utc), "2025-05-02T14:03:11.5Z" },
        { new DateOnly(2025, 5, 2), "2025-05-02" },
        { Guid.Empty, "00000000-0000-0000-0000-000000000000" },
        { new string('k', 10_000), new string('k', 10_000) },
    };

    [Theory]
    [MemberData(nameof(SingleValues))]
    public void TryFormat_OneColumn_ItsValueAsPlainText(object value, string expected)
    {
        var ok = RowKey.TryFormat([value], out var key, out var badPart);

        Assert.Equal((true, expected, -1), (ok, key, badPart));
    }

    [Fact]
    public void TryFormat_SeveralColumns_JsonArrayOfTheirTexts()
    {
        var ok = RowKey.TryFormat(["Zoë", 1L, new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc), true, "say \"hi\""], out var key, out var badPart);

        Assert.Equal((true, -1), (ok, badPart));
        Assert.Equal("""["Zo\u00EB","1","2025-05-02T14:03:11Z","true","say \u0022hi\u0022"]""", key);
    }

    [Fact]
    public void TryFormat_PartsHoldingTheSeparator_DoNotCollide()
    {
        RowKey.TryFormat(["a\",\"b", "c"], out var first, out _);
        RowKey.TryFormat(["a", "b\",\"c"], out var second, out _);
        RowKey.TryFormat(["a,b", "c"], out var third, out _);
        RowKey.TryFormat(["a", "b,c"], out var fourth, out _);

        Assert.Equal(4, new[] { first, second, third, fourth }.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(new object?[] { null }, 0)]
    [InlineData(new object?[] { "" }, 0)]
    [InlineData(new object?[] { "a", "" }, 1)]
    [InlineData(new object?[] { "a", null, "" }, 1)]
    [InlineData(new object?[] { "", null }, 0)]
    public void TryFormat_NullOrEmptyPart_FailsNamingTheFirstBadOne(object?[] parts, int expectedBadPart)
    {
        var ok = RowKey.TryFormat(parts, out var key, out var badPart);

        Assert.Equal((false, string.Empty, expectedBadPart), (ok, key, badPart));
    }
}
