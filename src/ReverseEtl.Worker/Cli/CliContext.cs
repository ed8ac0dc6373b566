using Spectre.Console;

namespace ReverseEtl.Worker.Cli;

/// <summary>Where the verbs write: standard output and standard error by default, a test's own writers otherwise.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error)
{
    /// <summary>Standard output and standard error; a terminal, with live progress, when standard output is not redirected.</summary>
    public static CliContext Process { get; } = Console.IsOutputRedirected
        ? new(Console.Out, Console.Error)
        : new(Console.Out, Console.Error) { IsTerminal = true, Live = AnsiConsole.Console };

    /// <summary>Output is read by a person at a terminal (a table), not by a script or a log (plain lines).</summary>
    public bool IsTerminal { get; init; }

    /// <summary>An interactive console that shows progress while syncs run; null for none (progress goes to the log).</summary>
    public IAnsiConsole? Live { get; init; }
}
