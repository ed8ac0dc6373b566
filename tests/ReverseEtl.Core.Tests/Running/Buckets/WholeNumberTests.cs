using System.Numerics;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Running.Buckets;

/// <summary>
/// A bucket query's counts and sums as each warehouse gives them (a whole number, its text, a decimal), read as the
/// comparison uses them: a sum's lowest 64 bits, as <see cref="UInt128"/> read them before.
/// </summary>
public sealed class WholeNumberTests
{
    public static TheoryData<object?, ulong> Values => new()
    {
        { 0L, 0UL },
        { 42L, 42UL },
        { long.MaxValue, long.MaxValue },
        { "18446744073709551615", ulong.MaxValue },
        { "18446744073709551616", 0UL }, // 2^64
        { "340282366920938463463374607431768211455", ulong.MaxValue }, // 2^128 - 1: DuckDB's largest HUGEINT sum as text
        { "1152921504606846975000", (ulong)(BigInteger.Parse("1152921504606846975000") % (BigInteger.One << 64)) },
        { "123.000", 123UL }, // Snowflake's NUMBER with a scale
        { "7.", 7UL },
        { 12345m, 12345UL }, // PostgreSQL's numeric sum
        { 7, 7UL },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Low64_AsAWarehouseGivesIt_TheLowest64Bits(object? value, ulong expected) =>
        Assert.Equal(expected, WholeNumber.Low64(value));

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData(".0")]
    [InlineData("1e3")]
    [InlineData("١٢")] // Arabic-Indic digits: not what any warehouse writes
    public void Low64_NotAWholeNumber_FailsNamingIt(string text)
    {
        var thrown = Assert.Throws<FormatException>(() => WholeNumber.Low64(text));

        Assert.Contains($"'{text}'", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Low64_Null_Fails() =>
        Assert.Throws<FormatException>(() => WholeNumber.Low64(null));

    [Fact]
    public void Count_WholeNumberOrText_TheCount() =>
        Assert.Equal([3L, 3L, 3L, 0L], [WholeNumber.Count(3L), WholeNumber.Count("3"), WholeNumber.Count(3m), WholeNumber.Count(0)]);
}
