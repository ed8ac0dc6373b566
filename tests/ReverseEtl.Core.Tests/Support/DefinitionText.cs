using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>Builds the validator's input from YAML text, skipping the loader's file system and schema steps.</summary>
internal static class DefinitionText
{
    /// <summary>Paths that exist nowhere: for definitions that read no file.</summary>
    public static readonly RuntimePaths NoFiles = new("/retl-unit/nowhere/config", "/retl-unit/nowhere/data");

    public static EnvironmentSubstitution Environment(params (string Name, string? Value)[] variables)
    {
        var values = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return new EnvironmentSubstitution(name => values.GetValueOrDefault(name));
    }

    /// <summary>Reads each file as the loader would, minus the schema; the YAML itself must be clean.</summary>
    public static DefinitionSections Sections(params (string File, string Yaml)[] files)
    {
        var sections = new DefinitionSections();
        var errors = new List<DefinitionError>();
        foreach (var (file, yaml) in files)
        {
            var (root, map) = new YamlTreeReader(Environment()).Read(file, yaml, errors);
            Assert.Empty(errors);
            sections.Add(root.Deserialize(DefinitionJson.Default.FileDto)!, map, errors);
        }

        Assert.Empty(errors);
        return sections;
    }

    /// <summary>Runs the validator over one file f.yaml; returns the project and the errors as printed.</summary>
    public static (ProjectDefinition Project, List<string> Errors) Build(ConnectorCatalog catalog, string yaml, RuntimePaths? paths = null)
    {
        var errors = new List<DefinitionError>();
        var project = new DefinitionValidator(catalog, paths ?? NoFiles, errors).Build(Sections(("f.yaml", yaml)));
        return (project, errors.Select(e => e.ToString()).ToList());
    }

    /// <summary>The sync named <paramref name="name"/> of f.yaml, and where it stands.</summary>
    public static (SyncDto Body, DefinitionSource Source) Sync(string yaml, string name = "s")
    {
        var (body, source) = Sections(("f.yaml", yaml)).Syncs[name];
        return (body, source);
    }
}
