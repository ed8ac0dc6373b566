using ReverseEtl.Abstractions;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// <c>validate --live</c>: the definitions as <c>validate</c> checks them, then each enabled sync against its model's
/// real columns (a zero-row query) and, where the destination can tell, the vendor's fields. Problems go to standard
/// error as file:line:column and exit 2; a vendor that cannot be asked exits 1.
/// </summary>
internal sealed class LiveValidation(CliContext cli, LoadedProject loaded, Verbs verbs)
{
    public async Task<int> ValidateAsync(CancellationToken cancellationToken)
    {
        if (await verbs.ValidateAsync() is var offline && offline != Ok)
        {
            return offline;
        }

        await using var runtime = loaded.CreateRuntime();
        var (problems, unreachable) = (0, false);
        foreach (var sync in loaded.Result.Project!.Syncs.Values.Where(s => s.Enabled).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            try
            {
                problems += Report(sync, await LiveCheck.CheckAsync(runtime, sync, askDestination: true, cancellationToken));
            }
            catch (DestinationException ex)
            {
                cli.Error.WriteLine($"{sync.Source.Map.KeyAt(sync.Source.Path)}: sync '{sync.Name}': the destination could not be asked: {ex.Message}");
                unreachable = true;
            }
        }

        if (problems > 0)
        {
            cli.Error.WriteLine($"{problems} problem(s) found against the warehouse and the destinations.");
        }

        return problems > 0 ? InvalidDefinitions : unreachable ? SyncFailed : Ok;
    }

    private int Report(SyncDefinition sync, LiveCheckResult result)
    {
        result.Problems.ToList().ForEach(cli.Error.WriteLine);
        result.Skipped.ToList().ForEach(note => cli.Output.WriteLine($"note: {note}"));
        if (result.Problems.Count == 0)
        {
            cli.Output.WriteLine($"live OK: {sync.Name}: model '{sync.Model}' has the key, mapped columns and template fields; the trigger runs");
        }

        return result.Problems.Count;
    }
}
