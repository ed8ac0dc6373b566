namespace ReverseEtl.Worker.Cli;

/// <summary>Where a verb writes and where it reads environment variables: the process's by default, a test's own otherwise.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error, Func<string, string?> Environment)
{
    /// <summary>Standard output, standard error and the process environment.</summary>
    public static CliContext Process { get; } = new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable);

    /// <summary>The variable's value, or null when unset or empty.</summary>
    public string? Variable(string name) => Environment(name) is { Length: > 0 } value ? value : null;
}
