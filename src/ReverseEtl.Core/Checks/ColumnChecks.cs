using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Checks;

/// <summary>
/// A sync against its model's real columns: the primary key, every mapped column, and every <c>row.NAME</c> its
/// templates read (the payload's fields: the mapped field names, else the columns), and every <c>log.redact</c> name.
/// Names compare case-insensitively.
/// </summary>
internal sealed class ColumnChecks(ProjectDefinition project, SyncDefinition sync, ModelDefinition model, ConfigText text)
{
    private const int NamesShown = 40;

    public IEnumerable<DefinitionError> Check(IReadOnlyList<WarehouseColumn> described, ITemplateCompiler compiler)
    {
        var columns = ModelColumns(described).ToList();
        var known = columns.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var returns = $"model '{model.Name}' returns: {List(columns)}";
        foreach (var name in columns.Where(ModelQuery.IsReserved))
        {
            yield return sync.Source.Error("model", $"model '{model.Name}' returns a column named '{name}': {ModelQuery.ReservedNames}; rename the column in the model");
        }

        foreach (var key in model.PrimaryKey.Where(k => !known.Contains(k)))
        {
            yield return sync.Source.Error("model", $"primary_key: model '{model.Name}' has no column '{key}' (its primary_key at {model.Source.Map.ValueAt(ConfigPath.Child(model.Source.Path, "primary_key"))}); {returns}");
        }

        foreach (var field in (sync.Fields ?? []).Where(f => !known.Contains(f.Column)))
        {
            yield return sync.Source.Error($"fields.{field.Field}", $"column '{field.Column}' is not returned by the model; {returns}");
        }

        // Without fields:, a log.redact name is a column: one the model does not return (a typo) would leave the real one in clear.
        var redact = sync.Fields is null ? sync.Redact.Where(r => !known.Contains(r)).ToList() : [];
        foreach (var name in redact)
        {
            yield return sync.Source.Error("log.redact", $"'{name}' is not a column of the model, so nothing is redacted under that name; {returns}");
        }

        var payload = sync.Fields is { } fields ? fields.Select(f => f.Field).ToHashSet(StringComparer.OrdinalIgnoreCase) : known;
        var offers = sync.Fields is null ? returns : $"the sync's fields are: {List(sync.Fields.Select(f => f.Field).ToList())}";
        foreach (var (path, source, name) in TemplateReferences.Of(sync.DestinationOptions, Section(), compiler).Where(r => !payload.Contains(r.Name)))
        {
            var at = text.Find(sync.Source.Map.ValueAt(path), $"row.{name}", source.Count(c => c == '\n') + 2);
            yield return new DefinitionError(at, path, $"the template reads row.{name}, which the row does not have; {offers}");
        }
    }

    /// <summary>Each payload field the destination's section names (exactly, as it looks them up) that the payload lacks.</summary>
    public IEnumerable<DefinitionError> CheckReferences(IReadOnlyList<WarehouseColumn> described, IDestinationFieldReferences destination)
    {
        var payload = PayloadFields(described);
        var known = payload.ToHashSet(StringComparer.Ordinal);
        foreach (var reference in destination.FieldsRead(sync.Settings).Where(r => !known.Contains(r.Field)))
        {
            yield return sync.Source.Error(ConfigPath.Child(DestinationType(), reference.Path),
                $"'{reference.Field}' is not a field of the payload; its fields are: {List(payload.ToList())}");
        }
    }

    /// <summary>
    /// The payload's field names as the destination receives them; without <c>fields:</c>, but for a column of a kept
    /// name, which <see cref="Check"/> names already (the vendor's check would name it a second time).
    /// </summary>
    public IReadOnlyList<string> PayloadFields(IReadOnlyList<WarehouseColumn> described) => sync.Fields is { } fields
        ? fields.Select(f => f.Field).ToList()
        : ModelColumns(described).Where(n => !ModelQuery.IsReserved(n)).Select(n => n.ToLowerInvariant()).ToList();

    // The model's own columns: the probe's trigger column is the last one described, under its name or, where the
    // warehouse renames a duplicate name (DuckDB: retl_matches___1), under that.
    private static IEnumerable<string> ModelColumns(IReadOnlyList<WarehouseColumn> described)
    {
        var added = described.Count > 0 && described[^1].Name.StartsWith(ModelQuery.MatchColumn, StringComparison.OrdinalIgnoreCase);
        return described.Take(added ? described.Count - 1 : described.Count).Select(c => c.Name);
    }

    private string DestinationType() => project.Connections[sync.Destination].Settings.Type;

    private string Section() => ConfigPath.Child(sync.Source.Path, DestinationType());

    private static string List(List<string> names) =>
        names.Count == 0 ? "(none)" : string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $" and {names.Count - NamesShown} more" : string.Empty);
}
