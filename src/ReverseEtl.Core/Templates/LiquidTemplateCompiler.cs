using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Templates;

/// <summary>
/// Liquid templates through Fluid; times render in UTC with the invariant culture. Strict: an undefined variable or
/// field throws <see cref="TemplateRenderException"/> (see <see cref="StrictFields"/>); a null value renders empty.
/// </summary>
public sealed class LiquidTemplateCompiler : ITemplateCompiler
{
    private static readonly FluidParser Parser = new();

    private readonly TemplateOptions _options = new()
    {
        TimeZone = TimeZoneInfo.Utc,
        CultureInfo = CultureInfo.InvariantCulture,
        Undefined = name => throw new TemplateRenderException(
            $"'{name}' is not defined: no such variable (row fields are read as row.NAME)") { Name = name },
    };

    public bool TryCompile(string source, [NotNullWhen(true)] out ITemplate? compiled, [NotNullWhen(false)] out string? problem)
    {
        if (Parser.TryParse(source, out var template, out var error))
        {
            compiled = new LiquidTemplate(template, _options, RowNameCollector.Collect(template));
            problem = null;
            return true;
        }

        compiled = null;
        // Fluid appends the whole template after "Source:"; the YAML position already says where it is: one line.
        var reason = (error ?? "no reason given").Split('\n')[0].Trim().Replace(" at (", " at (line:column of the template ", StringComparison.Ordinal);
        problem = $"the Liquid template does not parse: {reason}";
        return false;
    }

    private sealed class LiquidTemplate(IFluidTemplate template, TemplateOptions options, IReadOnlyList<string> rowNames) : ITemplate
    {
        public IReadOnlyList<string> RowNames => rowNames;

        public string Render(IReadOnlyDictionary<string, object?> row, TextEncoder? encoder = null)
        {
            var context = new TemplateContext(options);
            context.SetValue("row", new DictionaryValue(new StrictFields(row, "row", options)));
            return encoder is null ? template.Render(context) : template.Render(context, encoder);
        }
    }
}
