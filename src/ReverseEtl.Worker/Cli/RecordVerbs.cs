using ReverseEtl.Abstractions.State;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>What the verbs on one sync's runs and records do: its history, list failures, retry, skip, reset, approve held plans.</summary>
internal sealed partial class RecordVerbs(CliContext cli, LoadedProject loaded, ISyncStateStore state, TimeProvider time)
{
    public async Task<int> HistoryAsync(string sync, int limit, bool json, CancellationToken cancellationToken)
    {
        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        var runs = await state.GetHistoryAsync(sync, Math.Max(1, limit), cancellationToken);
        if (json)
        {
            return JsonOutput.Write(cli, runs);
        }

        cli.Output.WriteLine(runs.Count == 0 ? $"{sync} has not run yet." : $"{sync}: the latest {runs.Count} run(s), newest first:");
        foreach (var r in runs)
        {
            var took = r.FinishedAt is { } end ? $"{(end - r.StartedAt).TotalSeconds:0.0} s" : "still running or died";
            var error = r.Error is null ? string.Empty : $" — {r.Error}";
            cli.Output.WriteLine($"  run {r.RunId} {r.Status} at {r.StartedAt:yyyy-MM-dd HH:mm:ss}Z, {took}{(r.Instance is null ? string.Empty : $" on {r.Instance}")}: {r.Counts}{error}");
        }

        return Ok;
    }

    public async Task<int> FailuresAsync(string sync, int limit, bool json, CancellationToken cancellationToken)
    {
        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        var (records, total) = await state.ListFailuresAsync(sync, Math.Max(1, limit), cancellationToken);
        if (json)
        {
            return JsonOutput.Write(cli, new { Sync = sync, Total = total, Records = records });
        }

        cli.Output.WriteLine(total == 0 ? $"{sync}: no failing records." : $"{sync}: {total} failing record(s){(total > records.Count ? $", latest {records.Count} shown" : string.Empty)}:");
        foreach (var r in records)
        {
            cli.Output.WriteLine($"  {r.Key}  {(r.Parked ? "parked" : "retrying")}  {r.Attempts} attempt(s), first {r.FirstFailedAt:yyyy-MM-dd HH:mm:ss}Z, last {r.LastFailedAt:yyyy-MM-dd HH:mm:ss}Z: {r.Message}");
        }

        return Ok;
    }

    public Task<int> RetryAsync(string sync, string? key, bool all, CancellationToken cancellationToken) =>
        ChosenAsync(sync, key, all, state.RetryAsync, n => $"{n} failing record(s) of {sync} will be sent again on its next run.", cancellationToken);

    public Task<int> SkipAsync(string sync, string? key, bool all, CancellationToken cancellationToken) =>
        ChosenAsync(sync, key, all, state.SkipAsync, n => $"{n} failing record(s) of {sync} recorded as delivered without sending; each is sent again only when its row changes.", cancellationToken);

    public async Task<int> ResetAsync(string sync, CancellationToken cancellationToken)
    {
        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        await using var held = await state.TryLockAsync(sync, cancellationToken);
        if (held is null)
        {
            return Running(sync);
        }

        var forgotten = await state.ResetAsync(sync, cancellationToken);
        cli.Output.WriteLine($"{sync}: forgot {forgotten} delivered record(s). Its next run sends every row again, within its limits: `plan --sync {sync}` shows what it would send, and a plan past a limit waits for `approve --sync {sync}`.");
        return Ok;
    }

    public async Task<int> ApproveAsync(string sync, CancellationToken cancellationToken)
    {
        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        var approved = await state.ApproveAsync(sync, time.GetUtcNow(), cancellationToken);
        if (approved.Count == 0)
        {
            cli.Error.WriteLine($"{sync} has no held plan to approve.");
            return SyncFailed;
        }

        approved.ToList().ForEach(p => cli.Output.WriteLine($"approved {p.Kind}: {p.Count} (held by run {p.RunId})"));
        cli.Output.WriteLine($"The next run of {sync} sends them, if there are no more of each kind than approved; otherwise it holds them again.");
        return Ok;
    }

    private async Task<int> ChosenAsync(string sync, string? key, bool all, Func<string, string?, CancellationToken, Task<int>> act, Func<int, string> done, CancellationToken cancellationToken)
    {
        if (key is null == !all)
        {
            cli.Error.WriteLine("Give either --key KEY or --all.");
            return InvalidDefinitions;
        }

        if (!await KnownAsync(sync, cancellationToken))
        {
            return InvalidDefinitions;
        }

        await using var held = await state.TryLockAsync(sync, cancellationToken);
        if (held is null)
        {
            return Running(sync);
        }

        var count = await act(sync, key, cancellationToken);
        cli.Output.WriteLine(count == 0 && key is not null ? $"{sync} has no failing record with key '{key}'; `failures --sync {sync}` lists them." : done(count));
        return count == 0 && key is not null ? SyncFailed : Ok;
    }

    // A run under way would store over what the verb changes: the verb waits for no one, it says so.
    private int Running(string sync)
    {
        cli.Error.WriteLine($"{sync} is running in another process (a replica or a run --once); nothing was changed. Try again when its run has finished (`status` shows it).");
        return SyncFailed;
    }

    // The sync must be defined (the definitions valid), and the state ready.
    private async Task<bool> KnownAsync(string sync, CancellationToken cancellationToken)
    {
        var result = loaded.Result;
        if (!result.IsValid)
        {
            result.Errors.ToList().ForEach(e => cli.Error.WriteLine(e));
            return false;
        }

        if (!result.Project!.Syncs.ContainsKey(sync))
        {
            cli.Error.WriteLine($"No sync named '{sync}'; defined: {string.Join(", ", result.Project.Syncs.Keys.Order(StringComparer.Ordinal))}");
            return false;
        }

        await state.InitializeAsync(cancellationToken);
        return true;
    }
}
