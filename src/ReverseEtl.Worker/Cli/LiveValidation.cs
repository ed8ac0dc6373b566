using ReverseEtl.Abstractions;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// <c>validate --live</c>: the definitions as <c>validate</c> checks them, then each enabled sync against its model's
/// real columns (a zero-row query) and, where the destination can tell, the vendor's fields. Problems go to standard
/// error as file:line:column and exit 2; a vendor that cannot be asked exits 1. With --json, one document says it all.
/// </summary>
internal sealed class LiveValidation(CliContext cli, LoadedProject loaded, RuntimePaths paths, Verbs verbs)
{
    public async Task<int> ValidateAsync(bool json, CancellationToken cancellationToken)
    {
        if (!loaded.Result.IsValid)
        {
            return await verbs.ValidateAsync(json); // nothing to check live until the definitions hold
        }

        if (!json)
        {
            await verbs.ValidateAsync(json: false); // the "OK: …" line first
        }

        await using var runtime = loaded.CreateRuntime();
        var checks = new List<LiveSyncCheck>();
        foreach (var sync in loaded.Result.Project!.Syncs.Values.Where(s => s.Enabled).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            checks.Add(await CheckAsync(runtime, sync, cancellationToken));
        }

        var problems = checks.Sum(c => c.Problems.Count);
        if (json)
        {
            JsonOutput.Write(cli, ValidationReport.From(loaded.Result, paths.ConfigDirectory) with { Valid = problems == 0 && checks.TrueForAll(c => c.Unreachable is null), Live = checks });
        }
        else
        {
            checks.ForEach(Report);
            if (problems > 0)
            {
                cli.Error.WriteLine($"{problems} problem(s) found against the warehouse and the destinations.");
            }
        }

        return problems > 0 ? InvalidDefinitions : checks.Exists(c => c.Unreachable is not null) ? SyncFailed : Ok;
    }

    private static async Task<LiveSyncCheck> CheckAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken)
    {
        try
        {
            var result = await LiveCheck.CheckAsync(runtime, sync, askDestination: true, cancellationToken);
            return new LiveSyncCheck(sync.Name, sync.Model, result.Problems.Select(ValidationProblem.From).ToList(), result.Skipped, null) { Source = sync.Source.Map.KeyAt(sync.Source.Path) };
        }
        catch (DestinationException ex)
        {
            return new LiveSyncCheck(sync.Name, sync.Model, [], [], ex.Message) { Source = sync.Source.Map.KeyAt(sync.Source.Path) };
        }
    }

    private void Report(LiveSyncCheck check)
    {
        check.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column}: {(p.Path.Length == 0 ? string.Empty : $"{p.Path}: ")}{p.Message}").ToList().ForEach(cli.Error.WriteLine);
        check.Notes.ToList().ForEach(note => cli.Output.WriteLine($"note: {note}"));
        if (check.Unreachable is { } reason)
        {
            cli.Error.WriteLine($"{check.Source}: sync '{check.Sync}': the destination could not be asked: {reason}");
        }
        else if (check.Problems.Count == 0)
        {
            cli.Output.WriteLine($"live OK: {check.Sync}: model '{check.Model}' has the key, mapped columns and template fields; the trigger runs");
        }
    }
}
