using System.Text.Json;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Definitions;

/// <summary>Reads every YAML file under the config folder, checks it against the schema and against itself, and builds the project.</summary>
public sealed class DefinitionLoader(ConnectorCatalog catalog, EnvironmentSubstitution environment)
{
    public DefinitionLoadResult Load(RuntimePaths paths)
    {
        var errors = new List<DefinitionError>();
        var files = FindFiles(paths.ConfigDirectory, errors);
        var sections = new DefinitionSections();
        var shownFrom = ShownFrom(paths.ConfigDirectory);
        foreach (var file in files)
        {
            ReadFile(shownFrom, file, sections, errors);
        }

        var project = new DefinitionValidator(catalog, paths, errors).Build(sections);
        var ordered = errors.OrderBy(e => e.Location.File, StringComparer.Ordinal)
            .ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column).ToList();
        return new DefinitionLoadResult(ordered.Count == 0 ? project : null, ordered);
    }

    // Files are shown from the config folder's parent (config/syncs/x.yaml), the way ops teams know them; a trailing
    // separator ('config/') must not make that parent the folder itself.
    private static string ShownFrom(string configDirectory)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(configDirectory));
        return Path.GetDirectoryName(folder) ?? folder;
    }

    private static List<string> FindFiles(string directory, List<DefinitionError> errors)
    {
        var root = new SourceLocation(directory, 1, 1);
        if (!Directory.Exists(directory))
        {
            errors.Add(new DefinitionError(root, string.Empty, "the config folder does not exist (set --config or RETL_CONFIG_DIR)"));
            return [];
        }

        var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            errors.Add(new DefinitionError(root, string.Empty, "the config folder holds no .yaml files"));
        }

        return files;
    }

    private void ReadFile(string shownFrom, string file, DefinitionSections sections, List<DefinitionError> errors)
    {
        var shown = Path.GetRelativePath(shownFrom, file);
        if (ReadText(file, shown, errors) is not { } text)
        {
            return;
        }

        var before = errors.Count;
        var (root, map) = new YamlTreeReader(environment).Read(shown, text, errors);
        if (root is null && errors.Count > before)
        {
            return; // could not be read, and the reader said why; a document that is only null ('~', '---') falls through
        }

        if (root is not JsonObject)
        {
            errors.Add(new DefinitionError(RootAt(map), string.Empty, "the file must be a mapping with 'version: 1' and any of connections, models, syncs, alerts"));
            return;
        }

        if (!SchemaValidator.Shared.Validate(root, map, errors))
        {
            return;
        }

        var dto = root.Deserialize(DefinitionJson.Default.FileDto)!;
        sections.Add(dto, map, errors);
    }

    // A file listed but not readable: a link to nothing (a config map's symlink gone stale), no permission, a disk error.
    private static string? ReadText(string file, string shown, List<DefinitionError> errors)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new DefinitionError(new SourceLocation(shown, 1, 1), string.Empty, $"cannot read the file ({ex.Message}); fix or remove it"));
            return null;
        }
    }

    // Where the root value stands; a document with no text at all ('---' alone) has no place of its own, so the file's start.
    private static SourceLocation RootAt(SourceMap map) =>
        map.RawAt(string.Empty) is { Length: 0 } ? new SourceLocation(map.File, 1, 1) : map.ValueAt(string.Empty);
}
