namespace ReverseEtl.Core.Definitions;

/// <summary>A place in a definition file; lines and columns count from 1.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A problem in the definitions, printed as <c>file:line:column: path: message</c>.</summary>
public sealed record DefinitionError(SourceLocation Location, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{Location}: {Message}" : $"{Location}: {Path}: {Message}";
}

/// <summary>Where each node of one parsed file came from, by dotted path (<c>syncs.alerts.slack.blocks[0]</c>).</summary>
public sealed class SourceMap(string file)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public string File { get; } = file;

    internal void Add(string path, SourceLocation? key, SourceLocation value, string? rawText) =>
        _entries[path] = new Entry(key, value, rawText);

    /// <summary>Where the value at <paramref name="path"/> starts, or its nearest ancestor's.</summary>
    public SourceLocation ValueAt(string path) => Find(path).Value;

    /// <summary>Where the key of <paramref name="path"/> stands (its value for array items and the root).</summary>
    public SourceLocation KeyAt(string path) => Find(path) is { Key: { } key } ? key : ValueAt(path);

    /// <summary>The scalar as written in the file, before <c>${VAR}</c> substitution.</summary>
    public string? RawAt(string path) => _entries.TryGetValue(path, out var entry) ? entry.RawText : null;

    private Entry Find(string path)
    {
        for (var current = path; ; current = ConfigPath.Parent(current))
        {
            if (_entries.TryGetValue(current, out var entry))
            {
                return entry;
            }

            if (current.Length == 0)
            {
                return new Entry(null, new SourceLocation(File, 1, 1), null);
            }
        }
    }

    private readonly record struct Entry(SourceLocation? Key, SourceLocation Value, string? RawText);
}

/// <summary>Builds and splits the dotted paths used in messages.</summary>
public static class ConfigPath
{
    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    public static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path[..cut];
    }
}
