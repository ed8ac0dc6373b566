namespace ReverseEtl.Worker.Cli;

/// <summary>Where the verbs write: standard output and standard error by default, a test's own writers otherwise.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error)
{
    /// <summary>Standard output and standard error.</summary>
    public static CliContext Process { get; } = new(Console.Out, Console.Error);
}
