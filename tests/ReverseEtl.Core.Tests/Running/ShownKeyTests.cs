using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Tests.Running;

public sealed class ShownKeyTests
{
    [Theory]
    [InlineData("acc_001", "\"acc_001\"")]
    [InlineData("", "\"\"")]
    [InlineData("clé-東京-🚀", "\"clé-東京-🚀\"")] // other scripts and a whole surrogate pair as they are
    [InlineData("o\"neil \\ x", "\"o\\\"neil \\\\ x\"")]
    [InlineData("a\nb\tc\u0000", "\"a\\u000Ab\\u0009c\\u0000\"")]
    [InlineData("evil\u202Etxt.exe\u200B", "\"evil\\u202Etxt.exe\\u200B\"")] // a bidi override and a zero-width space would change how the line reads
    [InlineData("line\u2028para\u2029", "\"line\\u2028para\\u2029\"")]
    [InlineData("tag \U000E0041", "\"tag \\uDB40\\uDC41\"")] // a format character outside the BMP, both halves escaped
    public void Of_EscapesWhatDoesNotPrintAndKeepsTheRest(string key, string shown) => Assert.Equal(shown, ShownKey.Of(key));

    [Fact]
    public void Of_LoneHalvesOfASurrogatePair_Escaped()
    {
        // Built here, not in InlineData: xUnit's discovery would carry a lone surrogate as U+FFFD.
        Assert.Equal("\"lone \\uD83D end\"", ShownKey.Of("lone " + (char)0xD83D + " end"));
        Assert.Equal("\"lone \\uDE80\\uD83D\"", ShownKey.Of("lone " + (char)0xDE80 + (char)0xD83D));
    }

    [Fact]
    public void Of_LongKey_CutBeforeAPairItWouldSplitAndItsLengthInCharactersAfterTheQuote()
    {
        Assert.Equal($"\"{new string('k', 100)}\"… (1500 characters)", ShownKey.Of(new string('k', 1_500)));
        Assert.Equal($"\"{new string('ж', 99)}\"… (102 characters)", ShownKey.Of(new string('ж', 99) + "🚀🚀🚀"));
        Assert.Equal($"\"{new string('x', 100)}\"", ShownKey.Of(new string('x', 100)));
    }
}
