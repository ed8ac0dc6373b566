namespace ReverseEtl.Abstractions.State;

/// <summary>The columns each sync read on its last run, so that a change of type stops the next run before it sends.</summary>
public interface ISchemaColumnStore
{
    /// <summary>The columns (lower-case name to warehouse type) the sync read on its last run, empty before its first.</summary>
    Task<Dictionary<string, string>> LoadColumnsAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Replaces the sync's saved columns.</summary>
    Task SaveColumnsAsync(string sync, IReadOnlyDictionary<string, string> columns, CancellationToken cancellationToken);
}
