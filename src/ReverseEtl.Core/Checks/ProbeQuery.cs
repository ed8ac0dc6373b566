using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Checks;

/// <summary>
/// The model's query with the sync's trigger condition, as the run wraps them, for a zero-row describe: each part on
/// lines of its own, so that a warehouse's error line points back to <c>trigger.when</c> or to the model's own file.
/// </summary>
internal sealed partial class ProbeQuery
{
    private readonly int _whenLines;
    private readonly int _bodyFirstLine;
    private readonly ModelSqlOrigin _origin;
    private readonly SyncDefinition _sync;
    private readonly ModelDefinition _model;
    private readonly ConfigText _text;

    public ProbeQuery(ProjectDefinition project, ModelDefinition model, SyncDefinition sync, ConfigText text, bool withTrigger = true)
    {
        (_sync, _model, _text) = (sync, model, text);
        _origin = ModelSqlOrigin.For(project, model, text);
        var when = (withTrigger ? When(sync) : null) ?? "1 = 1";
        _whenLines = when.Split('\n').Length;
        _bodyFirstLine = 2 + _whenLines + 2;
        Sql = $"select retl_model__.*, (\n{when}\n) as {ModelQuery.MatchColumn}\nfrom (\n{model.Sql.Trim().TrimEnd(';').TrimEnd()}\n) as retl_model__";
    }

    public string Sql { get; }

    /// <summary>True when the warehouse placed its error in the trigger condition (so the model alone may still run).</summary>
    public bool InTrigger(WarehouseException exception) =>
        exception.Line is { } line && line >= 2 && line < 2 + _whenLines && When(_sync) is not null;

    /// <summary>The warehouse's rejection, placed in the trigger condition, in the model's SQL, or at the model when it gave no line.</summary>
    public DefinitionError Rejected(WarehouseException exception)
    {
        var reason = Reason(exception.Message);
        if (InTrigger(exception))
        {
            return TriggerError(exception, $"the warehouse rejected the trigger condition: {reason}");
        }

        return InModel(exception, _bodyFirstLine)
            ?? _model.Source.Error(string.Empty, $"the warehouse rejected the query of model '{_model.Name}' (sync '{_sync.Name}'): {reason}");
    }

    /// <summary>
    /// The warehouse's error for the run's own read (<see cref="ModelQuery.Build"/>), at the model's own line, when it
    /// points into the model (e.g. a cast that fails on one row's value); else null. The run's query places the model
    /// from <see cref="ModelQuery.BodyFirstLine"/>.
    /// </summary>
    public static WarehouseException? InRunQuery(ProjectDefinition project, SyncDefinition sync, WarehouseException exception)
    {
        var probe = new ProbeQuery(project, project.Models[sync.Model], sync, new ConfigText(new RuntimePathsView(project.Paths.ConfigDirectory)));
        var quiet = new WarehouseException(WithoutValues(exception.Message), exception) { Line = exception.Line, Column = exception.Column };
        return probe.InModel(quiet, ModelQuery.BodyFirstLine(sync)) is { } located ? new WarehouseException(located.ToString(), exception) : null;
    }

    /// <summary>
    /// A warehouse message about the run's own read, with its quoted literals hidden: such errors come from the data
    /// (a cast that fails on one row's value), and a customer's value must not reach the log or the journal.
    /// </summary>
    public static string WithoutValues(string message) => QuotedLiteral().Replace(message, "'…'");

    [System.Text.RegularExpressions.GeneratedRegex("'(?:[^']|'')*'")]
    private static partial System.Text.RegularExpressions.Regex QuotedLiteral();

    // At the model's own line, when the warehouse's line falls in the model's SQL (which starts at bodyFirstLine).
    private DefinitionError? InModel(WarehouseException exception, int bodyFirstLine) =>
        exception.Line is { } line && line >= bodyFirstLine && line < bodyFirstLine + _model.Sql.Trim().Split('\n').Length
            ? new DefinitionError(_origin.Locate(line - bodyFirstLine + 1, exception.Column), string.Empty,
                $"model '{_model.Name}' (sync '{_sync.Name}'): the warehouse rejected the query: {Reason(exception.Message)}")
            : null;

    // At the word the warehouse pointed at, found in the YAML value (a folded or quoted scalar moves it); else the value's start.
    private DefinitionError TriggerError(WarehouseException exception, string message)
    {
        var path = ConfigPath.Child(_sync.Source.Path, "trigger.when");
        var at = _sync.Source.Map.ValueAt(path);
        var line = Sql.Split('\n')[exception.Line!.Value - 1];
        var start = (exception.Column ?? 0) - 1;
        var end = start;
        while (start >= 0 && end < line.Length && (char.IsLetterOrDigit(line[end]) || line[end] is '_' or '$' or '.'))
        {
            end++;
        }

        return new DefinitionError(end > start && start >= 0 ? _text.Find(at, line[start..end], _whenLines + 1) : at, path, message);
    }

    private static string? When(SyncDefinition sync) => sync.Mode == SyncMode.Trigger ? sync.Trigger.When : null;

    // The warehouse's words without its pointers into the wrapped statement (DuckDB's "LINE 5: ..." and caret line,
    // Npgsql's "POSITION: 188"), which count in the wrapper, not in the file named in front of the message.
    private static string Reason(string message) => string.Join(" ", message.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith("LINE ", StringComparison.Ordinal) && !l.StartsWith("POSITION: ", StringComparison.Ordinal) && l.Trim('^', ' ').Length > 0));
}
