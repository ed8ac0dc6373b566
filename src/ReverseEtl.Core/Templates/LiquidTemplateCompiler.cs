using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Templates;

/// <summary>Liquid templates through Fluid; times render in UTC with the invariant culture.</summary>
public sealed class LiquidTemplateCompiler : ITemplateCompiler
{
    private static readonly FluidParser Parser = new();

    private readonly TemplateOptions _options = new()
    {
        TimeZone = TimeZoneInfo.Utc,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    public bool TryCompile(string source, [NotNullWhen(true)] out ITemplate? compiled, [NotNullWhen(false)] out string? problem)
    {
        if (Parser.TryParse(source, out var template, out var error))
        {
            compiled = new LiquidTemplate(template, _options);
            problem = null;
            return true;
        }

        compiled = null;
        problem = $"the Liquid template does not parse: {error}";
        return false;
    }

    private sealed class LiquidTemplate(IFluidTemplate template, TemplateOptions options) : ITemplate
    {
        public string Render(IReadOnlyDictionary<string, object?> row, TextEncoder? encoder = null)
        {
            var context = new TemplateContext(options);
            context.SetValue("row", row);
            return encoder is null ? template.Render(context) : template.Render(context, encoder);
        }
    }
}
