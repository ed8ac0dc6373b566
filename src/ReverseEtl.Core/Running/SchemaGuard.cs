using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Stops a sync before it sends anything when a column it reads changed type since its last run (a dbt change that
/// would silently change every payload, e.g. a number becoming text). A missing column is caught by <see cref="RowMapper"/>.
/// It only judges: saving the columns is the runner's, on the event it returns.
/// </summary>
internal static class SchemaGuard
{
    /// <summary>
    /// Throws <see cref="SyncDefinitionException"/> for a changed type (unless the run accepts schema changes); returns
    /// the columns to save when they differ from <paramref name="saved"/>, and null when they are as saved.
    /// </summary>
    public static ColumnsChanged? Check(SyncRunContext context, IReadOnlyDictionary<string, string> saved, RowMapper mapper)
    {
        var used = mapper.UsedColumns;
        var changed = used
            .Where(c => saved.TryGetValue(c.Key, out var type) && !string.Equals(type, c.Value, StringComparison.OrdinalIgnoreCase))
            .Select(c => $"'{c.Key}' ({saved[c.Key]} → {c.Value})")
            .ToList();
        if (changed.Count > 0 && !context.Runtime.AcceptSchemaChanges)
        {
            throw new SyncDefinitionException(
                $"sync '{context.Sync.Name}': model '{context.Model.Name}' changed the type of column {string.Join(", ", changed)} since the last run; nothing was sent. If the change is intended, run once with --accept-schema-changes");
        }

        var same = changed.Count == 0 && saved.Count == used.Count && used.Keys.All(saved.ContainsKey);
        return same ? null : new ColumnsChanged(used);
    }
}
