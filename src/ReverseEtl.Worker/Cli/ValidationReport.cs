using System.Text.Json.Serialization;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// What <c>validate --json</c> prints: whether the definitions hold, what they define, every problem with its file, line
/// and column, and with <c>--live</c> each enabled sync's check against its warehouse and destination.
/// </summary>
internal sealed record ValidationReport(bool Valid, string ConfigDirectory, int Connections, int Models, int Syncs, IReadOnlyList<ValidationProblem> Problems)
{
    /// <summary>With <c>--live</c>: each enabled sync's check, by name; null without it.</summary>
    public List<LiveSyncCheck>? Live { get; init; }

    public static ValidationReport From(DefinitionLoadResult result, string configDirectory) => new(
        result.IsValid, configDirectory, result.Project?.Connections.Count ?? 0, result.Project?.Models.Count ?? 0, result.Project?.Syncs.Count ?? 0,
        result.Errors.Select(ValidationProblem.From).ToList());
}

/// <summary>One problem in the definitions, where it is and what is wrong.</summary>
internal sealed record ValidationProblem(string File, int Line, int Column, string Path, string Message)
{
    public static ValidationProblem From(DefinitionError error) =>
        new(error.Location.File, error.Location.Line, error.Location.Column, error.Path, error.Message);
}

/// <summary>One sync checked against the real world: its problems, what could not be checked, or why the destination could not be asked.</summary>
internal sealed record LiveSyncCheck(string Sync, string Model, IReadOnlyList<ValidationProblem> Problems, IReadOnlyList<string> Notes, string? Unreachable)
{
    public bool Ok => Problems.Count == 0 && Unreachable is null;

    /// <summary>Where the sync is defined, for a message about it.</summary>
    [JsonIgnore]
    public SourceLocation Source { get; init; }
}
