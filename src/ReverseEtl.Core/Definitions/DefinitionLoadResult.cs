namespace ReverseEtl.Core.Definitions;

/// <summary>The outcome of loading the config folder: a project, or every problem found.</summary>
public sealed record DefinitionLoadResult(ProjectDefinition? Project, IReadOnlyList<DefinitionError> Errors)
{
    public bool IsValid => Project is not null && Errors.Count == 0;
}
