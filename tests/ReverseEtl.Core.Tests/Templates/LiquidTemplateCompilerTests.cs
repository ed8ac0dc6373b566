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
    [InlineData("{{ row.name ", "End of tag '}}' was expected at (line:column of the template 1:12)")]
    [InlineData("{% if row.x %}", "'{% endif %}' was expected at (line:column of the template 1:15)")]
    [InlineData("{% for %}", "Invalid 'for' tag at (line:column of the template 1:7)")]
    [InlineData("{{ }}", "A value was expected at (line:column of the template 1:3)")]
    [InlineData("Zoë {{ row.東京 \n second line", "End of tag '}}' was expected at (line:column of the template 1:11)")]
    public void TryCompile_TemplateThatDoesNotParse_OneLineSayingWhereInTheTemplate(string source, string where)
    {
        var ok = Compiler.TryCompile(source, out var template, out var problem);

        Assert.Equal((false, (ITemplate?)null), (ok, template));
        Assert.Equal($"the Liquid template does not parse: {where}", problem);
    }

    [Fact]
    public void Render_NullAndEmptyValuesOfExistingFields_RenderEmpty()
    {
        Assert.Equal("[||]", Render("[{{ row.none }}|{{ row.none.deeper }}|{{ row.empty }}]", Row(("none", null), ("empty", string.Empty))));
    }

    [Fact]
    public void Render_FieldTheRowLacks_ThrowsNamingItAndTheFieldsItHas()
    {
        var template = Compile("{{ row.acount_name }} has been in {{ row.onboarding_stage }}");

        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Row(("account_name", "Zoë"), ("onboarding_stage", null))));

        Assert.Equal("row.acount_name", ex.Name);
        Assert.Equal("""'row.acount_name' is not defined: the row has no field 'acount_name' (it has: account_name, onboarding_stage); fix the template or the model""", ex.Message);
    }

    [Theory]
    [InlineData("{% if row.nope == blank %}x{% endif %}", "row.nope")]
    [InlineData("{% for t in row.nope %}{{ t }}{% endfor %}", "row.nope")]
    [InlineData("{{ 'a' | append: row.nope }}", "row.nope")]
    [InlineData("{{ nope }}", "nope")]
    [InlineData("{% for p in row.partners %}{{ p.ownr_email }}{% endfor %}", "row.partners[].ownr_email")]
    public void Render_UndefinedNameAnywhere_Throws(string source, string name)
    {
        var partners = new List<object?> { new Dictionary<string, object?> { ["owner_email"] = null } };

        var ex = Assert.Throws<TemplateRenderException>(() => Render(source, Row(("partners", partners))));

        Assert.Equal(name, ex.Name);
    }

    [Fact]
    public void Render_NullKeyInANestedMap_RendersEmpty()
    {
        var partners = new List<object?> { new Dictionary<string, object?> { ["name"] = "Ünïcode Ltd", ["owner_email"] = null } };

        Assert.Equal("Ünïcode Ltd()", Render("{% for p in row.partners %}{{ p.name }}({{ p.owner_email }}){% endfor %}", Row(("partners", partners))));
    }

    [Fact]
    public void Render_FieldNameInAnotherCase_Found()
    {
        Assert.Equal("東京", Render("{{ row.City }}", Row(("city", "東京"))));
    }

    [Fact]
    public void RowNames_NamesReadInOutputTagsLoopsAndFilterArguments_EachOnceInOrder()
    {
        var template = Compile("{{ row.b }}{% if row.a == blank %}{{ row.B }}{% endif %}{% for x in row.list %}{{ x.inner }}{% endfor %}{{ 'x' | append: row.c }}{{ other.d }}");

        Assert.Equal(["b", "a", "list", "c"], template.RowNames);
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
        var template = Compile("{% if row.flag %}{% assign seen = 'yes' %}{% endif %}{{ row.long | size }}[{{ seen }}]");

        Assert.Equal("100000[yes]", template.Render(Row(("flag", true), ("long", new string('é', 100_000)))));
        var ex = Assert.Throws<TemplateRenderException>(() => template.Render(Row(("flag", false), ("long", string.Empty))));
        Assert.Equal("seen", ex.Name);
    }

    private static ITemplate Compile(string source)
    {
        Assert.True(Compiler.TryCompile(source, out var template, out var problem), problem);
        return template;
    }

    private static string Render(string source, IReadOnlyDictionary<string, object?> row) => Compile(source).Render(row);

    private static Dictionary<string, object?> Row(params (string Key, object? Value)[] fields) => fields.ToDictionary(f => f.Key, f => f.Value);
}
