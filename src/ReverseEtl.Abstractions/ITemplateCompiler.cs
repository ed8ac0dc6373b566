using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;

namespace ReverseEtl.Abstractions;

/// <summary>Compiles the text templates written in sync definitions (Liquid).</summary>
/// <remarks>Thread-safe; compiled templates are thread-safe too.</remarks>
public interface ITemplateCompiler
{
    /// <summary>Compiles <paramref name="source"/>; on failure <paramref name="problem"/> says where and why.</summary>
    bool TryCompile(string source, [NotNullWhen(true)] out ITemplate? compiled, [NotNullWhen(false)] out string? problem);
}

/// <summary>A compiled template. The row is available as <c>row</c>.</summary>
public interface ITemplate
{
    /// <summary>Renders with the row's fields; each output value passes through <paramref name="encoder"/> when given.</summary>
    string Render(IReadOnlyDictionary<string, object?> row, TextEncoder? encoder = null);
}
