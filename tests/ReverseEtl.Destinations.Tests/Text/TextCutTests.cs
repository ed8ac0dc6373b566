using ReverseEtl.Destinations.Text;

namespace ReverseEtl.Destinations.Tests.Text;

public class TextCutTests
{
    [Theory]
    [InlineData("", 5, "")]
    [InlineData("Zoë", 3, "Zoë")]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("東京東京東京", 4, "東京東…")]
    public void ToLimit_PlainText_FitsOrIsCutWithTheMarker(string text, int max, string expected)
    {
        Assert.Equal(expected, TextCut.ToLimit(text, max));
    }

    [Fact]
    public void ToLimit_LimitFallsInsideASurrogatePair_CutsBeforeThePair()
    {
        var cut = TextCut.ToLimit("ab😀cd", 4); // "ab" + the two halves of 😀 + "cd": the 4th unit is 😀's low half

        Assert.Equal("ab…", cut);
        Assert.True(cut.Length <= 4);
    }

    [Fact]
    public void ToLimit_EmojiSequenceAndCombiningMarks_KeptWholeOrLeftOut()
    {
        const string family = "👩‍👩‍👧"; // 8 code units, one character
        const string accented = "e\u0301"; // é as e and a combining accent

        Assert.Equal("x…", TextCut.ToLimit("x" + family + "y", 8));
        Assert.Equal("x" + family + "…", TextCut.ToLimit("x" + family + "yz", 10));
        Assert.Equal("…", TextCut.ToLimit(accented + "abc", 2));
    }

    [Fact]
    public void ToLimit_VeryLongText_EndsWithTheMarkerWithinTheLimit()
    {
        var text = string.Concat(Enumerable.Repeat("Zoë 🎉 東京 ", 10_000));

        var cut = TextCut.ToLimit(text, 3000);

        Assert.Equal(3000, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(cut[^2]));
    }

    [Fact]
    public void ToLimit_LimitShorterThanTheMarker_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TextCut.ToLimit("abc", 2, marker: "..."));
    }
}
