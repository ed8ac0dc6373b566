using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Checks;

/// <summary>The text of the definition files, read again to place a problem inside a value (a template, a query).</summary>
internal sealed class ConfigText(RuntimePathsView paths)
{
    private readonly Dictionary<string, string[]> _lines = new(StringComparer.Ordinal);

    /// <summary>A file as shown in messages (<c>config/models/x.sql</c>): from the config folder's parent, as the loader shows YAML files.</summary>
    public string Shown(string relativeToConfig) =>
        Path.GetRelativePath(paths.ShownFrom, Path.GetFullPath(Path.Combine(paths.ConfigDirectory, relativeToConfig)));

    /// <summary>The lines of a file named as shown in messages; empty when it cannot be read.</summary>
    public string[] Lines(string shownFile)
    {
        if (!_lines.TryGetValue(shownFile, out var lines))
        {
            var full = Path.Combine(paths.ShownFrom, shownFile);
            lines = File.Exists(full) ? File.ReadAllLines(full) : [];
            _lines[shownFile] = lines;
        }

        return lines;
    }

    /// <summary>
    /// Where <paramref name="needle"/> first stands at or after <paramref name="start"/>, within <paramref name="span"/>
    /// lines (a value may run over several); else <paramref name="start"/> itself.
    /// </summary>
    public SourceLocation Find(SourceLocation start, string needle, int span)
    {
        var lines = Lines(start.File);
        for (var line = start.Line; line <= Math.Min(lines.Length, start.Line + span); line++)
        {
            var first = line == start.Line ? Math.Max(0, Math.Min(start.Column - 1, lines[line - 1].Length)) : 0;
            var at = lines[line - 1].IndexOf(needle, first, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                return start with { Line = line, Column = at + 1 };
            }
        }

        return start;
    }
}

/// <summary>The config folder and the folder files are shown from (its parent).</summary>
internal sealed record RuntimePathsView(string ConfigDirectory)
{
    public string ShownFrom { get; } = ShownFromOf(ConfigDirectory);

    private static string ShownFromOf(string configDirectory)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configDirectory));
        return Path.GetDirectoryName(folder) ?? folder;
    }
}
