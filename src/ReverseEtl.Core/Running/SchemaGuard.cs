using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.State;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Stops a sync before it sends anything when a column it reads changed type since its last run (a dbt change that
/// would silently change every payload, e.g. a number becoming text). A missing column is caught by <see cref="RowMapper"/>.
/// </summary>
internal static class SchemaGuard
{
    public static async Task CheckAsync(ISyncStateStore state, SyncDefinition sync, ModelDefinition model, RowMapper mapper, bool save, bool accept, CancellationToken cancellationToken)
    {
        var before = await state.LoadColumnsAsync(sync.Name, cancellationToken);
        var changed = mapper.UsedColumns
            .Where(c => before.TryGetValue(c.Key, out var type) && !string.Equals(type, c.Value, StringComparison.OrdinalIgnoreCase))
            .Select(c => $"'{c.Key}' ({before[c.Key]} → {c.Value})")
            .ToList();
        if (changed.Count > 0 && !accept)
        {
            throw new SyncDefinitionException(
                $"sync '{sync.Name}': model '{model.Name}' changed the type of column {string.Join(", ", changed)} since the last run; nothing was sent. If the change is intended, run once with --accept-schema-changes");
        }

        if (save && (changed.Count > 0 || before.Count != mapper.UsedColumns.Count || mapper.UsedColumns.Keys.Any(k => !before.ContainsKey(k))))
        {
            await state.SaveColumnsAsync(sync.Name, mapper.UsedColumns, cancellationToken);
        }
    }
}
