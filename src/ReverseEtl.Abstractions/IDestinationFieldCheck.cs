namespace ReverseEtl.Abstractions;

/// <summary>
/// A destination that can tell, before anything is sent, whether the vendor's object has the fields a sync writes
/// (or the sync will create them). Checked by <c>validate --live</c> and before every run's first send.
/// </summary>
/// <remarks>Thread-safe. Makes at most a few read-only calls; a dry run (no credentials) calls nothing and says so.</remarks>
public interface IDestinationFieldCheck
{
    /// <summary>Checks <paramref name="fields"/> (the payload's field names) against the vendor's object for <paramref name="sync"/>.</summary>
    /// <returns>A problem per field that neither exists nor will be created; or why the check was skipped.</returns>
    /// <exception cref="DestinationException">The vendor could not be asked (authentication, unreachable).</exception>
    Task<FieldCheckResult> CheckFieldsAsync(SyncSettings sync, IReadOnlyList<string> fields, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IDestinationFieldCheck.CheckFieldsAsync"/>.</summary>
/// <param name="Missing">Each field the object lacks, with what to do.</param>
/// <param name="SkippedBecause">Set when nothing was checked (e.g. a dry run without credentials).</param>
public sealed record FieldCheckResult(IReadOnlyList<FieldProblem> Missing, string? SkippedBecause = null)
{
    public static FieldCheckResult Skipped(string because) => new([], because);
}

/// <summary>A payload field the destination's object does not have.</summary>
public sealed record FieldProblem(string Field, string Message);

/// <summary>
/// A destination whose sync section names payload fields (an id field, attributes to write): what a check before a run
/// compares with the payload the model gives, so that a misspelt name is caught before anything is sent.
/// </summary>
public interface IDestinationFieldReferences
{
    /// <summary>Each payload field <paramref name="sync"/>'s section reads, with where it stands in the section.</summary>
    IReadOnlyList<FieldReference> FieldsRead(SyncSettings sync);
}

/// <summary>A payload field a sync's section names.</summary>
/// <param name="Path">Where, below the section (e.g. <c>company.custom_attributes[1]</c>).</param>
/// <param name="Field">The payload field's name, as the destination looks it up (exactly).</param>
public sealed record FieldReference(string Path, string Field);
