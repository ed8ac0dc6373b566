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
    /// <summary>
    /// Every name the template reads as <c>row.NAME</c> (in output, conditions, loops and filter arguments), once each,
    /// in order of first use: what a check before a run compares with the model's columns.
    /// </summary>
    IReadOnlyList<string> RowNames { get; }

    /// <summary>Renders with the row's fields; each output value passes through <paramref name="encoder"/> when given.</summary>
    /// <remarks>
    /// Rendering is strict: a field the row does not have (<c>row.acount_name</c>), a key a nested value does not have,
    /// or a variable never assigned throws <see cref="TemplateRenderException"/> instead of rendering as empty text.
    /// A field that exists with a null value renders as empty text (that is data, not a mistake). Names of the row's
    /// fields match case-insensitively.
    /// </remarks>
    string Render(IReadOnlyDictionary<string, object?> row, TextEncoder? encoder = null);
}

/// <summary>A template read a name that is not defined; the message names it and is safe to show (no row values).</summary>
public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException() { }

    public TemplateRenderException(string message) : base(message) { }

    public TemplateRenderException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The undefined name as the template wrote it, e.g. <c>row.acount_name</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Where the template stands in its section (e.g. <c>blocks[1].text.text</c>), once a caller added it.</summary>
    public string? TemplatePath { get; init; }

    /// <summary>The same problem, placed at <paramref name="path"/>.</summary>
    public TemplateRenderException At(string path) =>
        new($"template '{path}': {Message}", this) { Name = Name, TemplatePath = path };
}
