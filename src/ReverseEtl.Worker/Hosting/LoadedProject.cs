using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Worker.Hosting;

/// <summary>The definitions under the config folder, read once per process: a change to the YAML needs a restart.</summary>
public sealed class LoadedProject(DefinitionLoader loader, RuntimePaths paths, ConnectorCatalog catalog)
{
    private readonly Lazy<DefinitionLoadResult> _result = new(() => loader.Load(paths));

    /// <summary>The project, or every problem found in the definitions.</summary>
    public DefinitionLoadResult Result => _result.Value;

    /// <summary>A runtime over the loaded project (its warehouses and destinations); the caller disposes it.</summary>
    public ProjectRuntime CreateRuntime(bool acceptSchemaChanges = false) =>
        new(Result.Project ?? throw new InvalidOperationException("The definitions are invalid; load them and report their errors first."), catalog)
        {
            AcceptSchemaChanges = acceptSchemaChanges,
        };
}
