using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Tests.Definitions;

public class EnvironmentSubstitutionTests
{
    [Fact]
    public void TryApply_SetVariable_ReplacedInPlaceKeepingTheText()
    {
        var ok = With(("TOKEN", "xoxb-Zoë-東京-🎉")).TryApply("Bearer ${TOKEN}!\t(${TOKEN})", out var result, out var missing);

        Assert.Equal((true, "Bearer xoxb-Zoë-東京-🎉!\t(xoxb-Zoë-東京-🎉)", (string?)null), (ok, result, missing));
    }

    [Theory]
    [InlineData("${HOST:-https://slack.com/api}", "https://slack.com/api")]
    [InlineData("${HOST:-}", "")]
    [InlineData("${HOST:-a:-b}", "a:-b")]
    [InlineData("${HOST:-東京 🎉}", "東京 🎉")]
    public void TryApply_UnsetWithDefault_UsesTheDefaultUpToTheFirstBrace(string text, string expected)
    {
        var ok = With().TryApply(text, out var result, out var missing);

        Assert.Equal((true, expected, (string?)null), (ok, result, missing));
    }

    [Fact]
    public void TryApply_SetButEmpty_CountsAsUnset()
    {
        var environment = With(("EMPTY", ""));

        var withDefault = environment.TryApply("${EMPTY:-fallback}", out var defaulted, out _);
        var without = environment.TryApply("<${EMPTY}>", out var blank, out var missing);

        Assert.Equal((true, "fallback"), (withDefault, defaulted));
        Assert.Equal((false, "<>", "EMPTY"), (without, blank, missing));
    }

    [Fact]
    public void TryApply_SeveralUnset_NamesTheFirstAndBlanksEveryOne()
    {
        var ok = With(("SET", "s")).TryApply("a${B_UNSET}b${SET}c${A_UNSET}d", out var result, out var missing);

        Assert.Equal((false, "abscd", "B_UNSET"), (ok, result, missing));
    }

    [Fact]
    public void TryApply_DoubleDollar_IsALiteralReferenceThatIsNeverLookedUp()
    {
        var looked = new List<string>();
        var environment = new EnvironmentSubstitution(name =>
        {
            looked.Add(name);
            return "/home/zoë";
        });

        var ok = environment.TryApply("$${HOME} is ${HOME}; $${NOT_SET:-x} stays", out var result, out var missing);

        Assert.Equal((true, "${HOME} is /home/zoë; ${NOT_SET:-x} stays", (string?)null), (ok, result, missing));
        Assert.Equal(["HOME"], looked);
    }

    [Fact]
    public void TryApply_EscapeInsideADefault_IsALiteralReference()
    {
        var ok = With().TryApply("${UNSET:-$${x}}", out var result, out _);

        Assert.Equal((true, "${x}"), (ok, result));
    }

    [Fact]
    public void TryApply_ValueHoldingAReference_IsNotExpandedAgain()
    {
        var ok = With(("OUTER", "${INNER}"), ("INNER", "inner")).TryApply("${OUTER}", out var result, out _);

        Assert.Equal((true, "${INNER}"), (ok, result));
    }

    [Theory]
    [InlineData("${}")]
    [InlineData("${ SPACED }")]
    [InlineData("${1ST}")]
    [InlineData("${A-default}")]
    [InlineData("${ZOË}")]
    [InlineData("$HOME")]
    [InlineData("${unterminated")]
    [InlineData("$$")]
    [InlineData("")]
    public void TryApply_NotAReference_LeftAsWrittenWithoutLookup(string text)
    {
        var ok = new EnvironmentSubstitution(name => throw new InvalidOperationException($"looked up {name}")).TryApply(text, out var result, out var missing);

        Assert.Equal((true, text, (string?)null), (ok, result, missing));
    }

    [Theory]
    [InlineData("${A}", true)]
    [InlineData("$${A}", true)]
    [InlineData("${", true)]
    [InlineData("$A", false)]
    [InlineData("{$A}", false)]
    [InlineData("$ {A}", false)]
    [InlineData("", false)]
    public void HasReferences_Text_TrueWhenDollarBraceAppears(string text, bool expected) =>
        Assert.Equal(expected, EnvironmentSubstitution.HasReferences(text));

    [Fact]
    public void TryApply_VeryLongTextWithManyReferences_SubstitutesEveryOne()
    {
        var text = string.Concat(Enumerable.Repeat("${E}-", 20_000));

        var ok = With(("E", "é")).TryApply(text, out var result, out _);

        Assert.True(ok);
        Assert.Equal(string.Concat(Enumerable.Repeat("é-", 20_000)), result);
    }

    private static EnvironmentSubstitution With(params (string Name, string? Value)[] variables) =>
        Support.DefinitionText.Environment(variables);
}
