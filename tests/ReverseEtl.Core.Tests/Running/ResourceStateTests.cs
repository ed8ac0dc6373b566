using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Tests.Running;

/// <summary>Which SQLSTATEs say the warehouse ran out of resources for a statement (the snapshot's diff then falls back).</summary>
public sealed class ResourceStateTests
{
    [Theory]
    [InlineData("53200", true)] // out of memory
    [InlineData("53100", true)] // disk full
    [InlineData("54000", true)] // program limit exceeded
    [InlineData("54001", true)] // statement too complex
    [InlineData("53300", false)] // too many connections: another statement meets it too
    [InlineData("57014", false)] // query cancelled (a statement timeout)
    [InlineData("22012", false)] // division by zero: the data
    [InlineData("42703", false)] // undefined column: the query
    [InlineData("XX000", false)]
    [InlineData("5320", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsResourceState_ClassesOfResourcesOnly(string? sqlState, bool expected) =>
        Assert.Equal(expected, WarehouseException.IsResourceState(sqlState));
}
