using ReverseEtl.Abstractions;
using ReverseEtl.Core.Running;
using ReverseEtl.State;
using ReverseEtl.Worker.Hosting;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// How a verb that failed tells it: one line on standard error, naming the path, host or sync and what to do; the
/// stack trace only with <c>--verbose</c>.
/// </summary>
internal static class Failures
{
    /// <summary>
    /// An error of the user's world (state store, warehouse, destination, definitions, a guard rail), whose message
    /// is written for the person running the worker.
    /// </summary>
    public static bool IsExplained(Exception exception) =>
        exception is StateStoreException or WarehouseException or DestinationException or SyncDefinitionException or SyncGuardException or WorkerPortException;

    /// <summary>Writes <paramref name="exception"/> as one line, with its stack trace under it when <paramref name="verbose"/>.</summary>
    public static void Write(TextWriter error, Exception exception, bool verbose)
    {
        error.WriteLine(IsExplained(exception) ? OneLine(exception.Message)
            : $"Internal error ({exception.GetType().Name}: {OneLine(exception.Message)}); please report it, with the output of the same command run with --verbose.");
        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }
    }

    /// <summary>The message on one line: a library's message may span several.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
