using System.Text.Json.Nodes;

namespace ReverseEtl.Core.Definitions;

/// <summary>The connections, models, syncs and alerts of every file, each with where it was defined.</summary>
internal sealed class DefinitionSections
{
    public Dictionary<string, (JsonObject Body, DefinitionSource Source)> Connections { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (ModelDto Body, DefinitionSource Source)> Models { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (SyncDto Body, DefinitionSource Source)> Syncs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, (AlertDto Body, DefinitionSource Source)> Alerts { get; } = new(StringComparer.Ordinal);

    public void Add(FileDto file, SourceMap map, List<DefinitionError> errors)
    {
        AddAll(Connections, file.Connections, "connections", map, errors);
        AddAll(Models, file.Models, "models", map, errors);
        AddAll(Syncs, file.Syncs, "syncs", map, errors);
        AddAll(Alerts, file.Alerts, "alerts", map, errors);
    }

    private static void AddAll<T>(Dictionary<string, (T, DefinitionSource)> target, Dictionary<string, T>? items, string section, SourceMap map, List<DefinitionError> errors)
    {
        foreach (var (name, body) in items ?? [])
        {
            var source = new DefinitionSource(map, ConfigPath.Child(section, name));
            if (target.TryGetValue(name, out var existing))
            {
                errors.Add(new DefinitionError(map.KeyAt(source.Path), source.Path, $"'{name}' is already defined at {existing.Item2.Map.KeyAt(existing.Item2.Path)}"));
                continue;
            }

            target[name] = (body, source);
        }
    }
}
