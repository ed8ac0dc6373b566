namespace ReverseEtl.Worker.Cli;

/// <summary>Where the verbs write: standard output and standard error by default, a test's own writers otherwise.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error)
{
    /// <summary>Standard output and standard error; a terminal when standard output is not redirected.</summary>
    public static CliContext Process { get; } = new(Console.Out, Console.Error) { IsTerminal = !Console.IsOutputRedirected };

    /// <summary>Output is read by a person at a terminal (a table), not by a script or a log (plain lines).</summary>
    public bool IsTerminal { get; init; }
}
