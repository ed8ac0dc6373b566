using System.Text.Encodings.Web;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Templates;

namespace ReverseEtl.Core.Tests.Templates;

public class LiquidTemplateCompilerTests
{
    private static readonly LiquidTemplateCompiler Compiler = new();

    [Fact]
    public void TryCompile_ValidTemplate_RendersTheRowsFields()
    {
        var ok = Compiler.TryCompile("Hi {{ row.name }} from {{ row.city }} {{ row.mood }}, {{ row.name | upcase }}", out var template, out var problem);

        Assert.Equal((true, (string?)null), (ok, problem));
        Assert.Equal("Hi Zoë from 東京 🎉, ZOË", template!.Render(Row(("name", "Zoë"), ("city", "東京"), ("mood", "🎉"))));
    }

    [Theory]
    [InlineData("{{ row.name ", "End of tag '}}' was expected at (1:12)")]
    [InlineData("{% if row.x %}", "'{% endif %}' was expected at (1:15)")]
    [InlineData("{% for %}", "Invalid 'for' tag at (1:7)")]
    [InlineData("{{ }}", "A value was expected at (1:3)")]
    public void TryCompile_TemplateThatDoesNotParse_ProblemSaysWhereAndQuotesTheSource(string source, string where)
    {
        var ok = Compiler.TryCompile(source, out var template, out var problem);

        Assert.Equal((false, (ITemplate?)null), (ok, template));
        Assert.Equal($"the Liquid template does not parse: {where}\nSource:\n{source}", problem);
    }

    [Fact]
    public void Render_MissingOrNullFields_RenderEmpty()
    {
        Assert.Equal("[|||]", Render("[{{ row.nope }}|{{ row.none }}|{{ row.none.deeper }}|{{ nope }}]", Row(("none", null))));
    }

    [Fact]
    public void Render_TimesNumbersAndBooleans_UtcAndInvariantCulture()
    {
        var row = Row(
            ("utc", new DateTime(2025, 5, 2, 23, 30, 0, DateTimeKind.Utc)),
            ("unspecified", new DateTime(2025, 12, 31, 23, 59, 59, DateTimeKind.Unspecified)),
            ("amount", 1234.5m),
            ("ratio", 0.1),
            ("count", 42L),
            ("flag", true));

        Assert.Equal(
            "2025-05-02 23:30 +0000|2025-12-31T23:59:59 +0000|1234.5|0.1|42|true",
            Render("{{ row.utc | date: '%Y-%m-%d %H:%M %z' }}|{{ row.unspecified | date: '%Y-%m-%dT%H:%M:%S %z' }}|{{ row.amount }}|{{ row.ratio }}|{{ row.count }}|{{ row.flag }}", row));
    }

    [Fact]
    public void Render_WithAnEncoder_OnlyTheOutputValuesAreEncoded()
    {
        var template = Compile("<b>{{ row.name }}</b> & {{ row.city }}");
        var row = Row(("name", "Tom & <Jerry>"), ("city", "東京"));

        Assert.Equal("<b>Tom & <Jerry></b> & 東京", template.Render(row));
        Assert.Equal("<b>Tom &amp; &lt;Jerry&gt;</b> & &#x6771;&#x4EAC;", template.Render(row, HtmlEncoder.Default));
    }

    [Fact]
    public void Render_ListsAndNestedMaps_IteratedAndReached()
    {
        var row = Row(("tags", new List<object?> { "a", 1L, null }), ("address", new Dictionary<string, object?> { ["city"] = "東京" }));

        Assert.Equal("a;1;;|東京|3", Render("{% for t in row.tags %}{{ t }};{% endfor %}|{{ row.address.city }}|{{ row.tags | size }}", row));
    }

    [Fact]
    public void Render_OneTemplateManyRows_NoStateCarriedFromOneRenderToTheNext()
    {
        var template = Compile("{% if row.flag %}{% assign seen = 'yes' %}{% endif %}[{{ seen }}]{{ row.long | size }}");

        Assert.Equal("[yes]100000", template.Render(Row(("flag", true), ("long", new string('x', 100_000)))));
        Assert.Equal("[]0", template.Render(Row(("flag", false), ("long", string.Empty))));
    }

    private static ITemplate Compile(string source)
    {
        Assert.True(Compiler.TryCompile(source, out var template, out var problem), problem);
        return template;
    }

    private static string Render(string source, IReadOnlyDictionary<string, object?> row) => Compile(source).Render(row);

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);
}
