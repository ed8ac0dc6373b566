using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Checks;

/// <summary>
/// Where a model's SQL text stands: its own .sql file (the connection type's dialect file, else <c>file</c>), or the
/// inline <c>sql</c> value of the YAML. Turns a line and column of the SQL as run (leading blank lines trimmed) into
/// that file's own line and column.
/// </summary>
internal sealed record ModelSqlOrigin(string File, int FirstLine, int FirstColumn, int Indent)
{
    public static ModelSqlOrigin For(ProjectDefinition project, ModelDefinition model, ConfigText text)
    {
        var (map, path) = (model.Source.Map, model.Source.Path);
        var type = project.Connections.TryGetValue(model.Connection, out var connection) ? connection.Settings.Type : string.Empty;
        var file = map.RawAt(ConfigPath.Child(path, $"dialect_files.{type}")) ?? map.RawAt(ConfigPath.Child(path, "file"));
        var (leadingLines, leadingIndent) = Leading(model.Sql);
        if (file is not null)
        {
            return new ModelSqlOrigin(text.Shown(file), 1 + leadingLines, 1 + leadingIndent, 0);
        }

        var at = map.ValueAt(ConfigPath.Child(path, "sql"));
        var lines = text.Lines(at.File);
        var indicator = at.Line <= lines.Length && at.Column <= lines[at.Line - 1].Length ? lines[at.Line - 1][at.Column - 1] : ' ';
        if (indicator is '|' or '>' && at.Line < lines.Length)
        {
            var body = lines[at.Line];
            var indent = body.Length - body.TrimStart().Length;
            return new ModelSqlOrigin(at.File, at.Line + 1 + leadingLines, 1 + indent + leadingIndent, indent);
        }

        var quoted = indicator is '"' or '\'' ? 1 : 0;
        return new ModelSqlOrigin(at.File, at.Line + leadingLines, at.Column + quoted + leadingIndent, 0);
    }

    /// <summary>The place of <paramref name="line"/> and <paramref name="column"/> (from 1) of the SQL as run.</summary>
    public SourceLocation Locate(int line, int? column) => line <= 1
        ? new SourceLocation(File, FirstLine, FirstColumn + (column ?? 1) - 1)
        : new SourceLocation(File, FirstLine + line - 1, Indent + (column ?? 1));

    // The SQL runs trimmed: the blank lines and spaces before its first word move every position.
    private static (int Lines, int Indent) Leading(string sql)
    {
        var leading = sql[..(sql.Length - sql.TrimStart().Length)];
        var lastBreak = leading.LastIndexOf('\n');
        return (leading.Count(c => c == '\n'), leading.Length - lastBreak - 1);
    }
}
