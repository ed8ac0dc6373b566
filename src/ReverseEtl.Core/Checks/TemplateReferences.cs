using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Checks;

/// <summary>Every <c>row.NAME</c> read by a template in a sync's destination section, with the template's config path.</summary>
internal static class TemplateReferences
{
    public static IEnumerable<(string Path, string Source, string Name)> Of(JsonElement section, string path, ITemplateCompiler compiler)
    {
        switch (section.ValueKind)
        {
            case JsonValueKind.Object:
                return section.EnumerateObject().SelectMany(p => Of(p.Value, ConfigPath.Child(path, p.Name), compiler)).ToList();
            case JsonValueKind.Array:
                return section.EnumerateArray().SelectMany((item, i) => Of(item, ConfigPath.Item(path, i), compiler)).ToList();
            case JsonValueKind.String:
                var source = section.GetString()!;
                return IsTemplate(source) && compiler.TryCompile(source, out var template, out _)
                    ? template.RowNames.Select(name => (path, source, name)).ToList()
                    : [];
            default:
                return [];
        }
    }

    // Plain option values (an object type, a channel name) hold no row reference; a template that does not compile
    // was already reported by the destination's own check.
    private static bool IsTemplate(string text) =>
        text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);
}
