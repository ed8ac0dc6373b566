using System.Text.Encodings.Web;
using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>What each verb does, with the host's services. Output for people goes to standard output; logs go to standard error.</summary>
internal sealed partial class Verbs(CliContext cli, LoadedProject loaded, RuntimePaths paths, ISyncStateStore state, SyncPlanner planner, SyncRunner runner, ScheduledHost scheduled, TimeProvider time)
{
    // From the defaults, whose type resolver a sample holding a typed value (a Salesforce record) needs to be written.
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Default) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task<int> ValidateAsync(bool json)
    {
        if (json)
        {
            var report = ValidationReport.From(loaded.Result, paths.ConfigDirectory);
            JsonOutput.Write(cli, report);
            return Task.FromResult(report.Valid ? Ok : InvalidDefinitions);
        }

        if (Load() is { } project)
        {
            cli.Output.WriteLine($"OK: {project.Connections.Count} connections, {project.Models.Count} models, {project.Syncs.Count} syncs in {paths.ConfigDirectory}");
        }

        return Task.FromResult(loaded.Result.IsValid ? Ok : InvalidDefinitions);
    }

    public async Task<int> PlanAsync(string? only, bool json, CancellationToken cancellationToken)
    {
        if (await SelectAsync(only, cancellationToken) is not { } syncs)
        {
            return InvalidDefinitions;
        }

        await using var runtime = loaded.CreateRuntime();
        var (failed, plans) = (false, new List<object>());
        foreach (var sync in syncs)
        {
            SyncPlan plan;
            try
            {
                plan = await planner.PlanAsync(runtime, sync, samples: 3, cancellationToken);
            }
            catch (Exception ex) when (Failures.IsExplained(ex))
            {
                cli.Error.WriteLine($"{sync.Name}: cannot plan: {Failures.OneLine(ex.Message)}");
                plans.Add(new { Sync = sync.Name, Error = Failures.OneLine(ex.Message) });
                failed = true;
                continue;
            }

            plans.Add(plan);
            if (json)
            {
                continue;
            }

            cli.Output.WriteLine($"{plan.Sync}: {plan.Counts.RowsRead} rows, {plan.Counts.Added} added, {plan.Counts.Changed} changed, {plan.Counts.Removed} removed, {plan.Counts.Rejected} rejected; {plan.ToSend} to send{Baseline(plan.Counts)}");
            plan.Rejections.ToList().ForEach(r => cli.Output.WriteLine($"  rejected {r}"));
            plan.Held.ToList().ForEach(h => cli.Output.WriteLine($"  would be held by limits: {h}"));
            if (plan.Unsettled > 0)
            {
                cli.Output.WriteLine($"  {plan.Unsettled} send(s) of an earlier run have no known outcome (stopped or killed mid-send): the run writes again each of those keys whose send differs from its state, beyond the count above, and sends the others again as unsure");
                plan.UnsettledKeys.ToList().ForEach(k => cli.Output.WriteLine($"  no known outcome: {k}"));
                if (plan.Unsettled > plan.UnsettledKeys.Count)
                {
                    cli.Output.WriteLine($"  … and {plan.Unsettled - plan.UnsettledKeys.Count} more");
                }
            }

            plan.Samples.ToList().ForEach(s => cli.Output.WriteLine($"  sample: {s.ToJsonString(Indented).Replace("\n", "\n  ", StringComparison.Ordinal)}"));
        }

        if (json)
        {
            JsonOutput.Write(cli, plans);
        }
        else
        {
            cli.Output.WriteLine("plan: nothing was sent, nothing was written to the outbox and no sync state changed");
        }

        return failed ? SyncFailed : Ok;
    }

    public async Task<int> RunOnceAsync(string? only, bool acceptSchemaChanges, CancellationToken cancellationToken)
    {
        if (await SelectAsync(only, cancellationToken) is not { } syncs)
        {
            return InvalidDefinitions;
        }

        await using var runtime = loaded.CreateRuntime(acceptSchemaChanges);
        var results = new RunResults(cli);
        if (cli.Live is { } live)
        {
            var byName = syncs.ToDictionary(s => s.Name);
            var reports = await new LiveProgress(live, time).RunAsync(
                syncs.Select(s => s.Name).ToList(), (name, watch) => runner.RunAsync(runtime, byName[name], cancellationToken, watch: watch));
            reports.ForEach(r => results.Add(r.Report, r.Took));
        }
        else
        {
            foreach (var sync in syncs)
            {
                var started = time.GetTimestamp();
                results.Add(await runner.RunAsync(runtime, sync, cancellationToken), time.GetElapsedTime(started));
            }
        }

        results.Finish();
        return results.AllSucceeded ? Ok : SyncFailed;
    }


    public async Task<int> ScheduleAsync(CancellationToken cancellationToken)
    {
        if (Load() is null)
        {
            return InvalidDefinitions;
        }

        await scheduled.RunAsync(cancellationToken);
        return Ok;
    }

    private static string Baseline(RunCounts counts) =>
        counts.Baselined > 0 ? $"; {counts.Baselined} matching would be recorded without sending (initial: skip)" : string.Empty;

    // The project, or null once every problem in the definitions has been written to standard error.
    private ProjectDefinition? Load()
    {
        var result = loaded.Result;
        foreach (var error in result.Errors)
        {
            cli.Error.WriteLine(error);
        }

        if (!result.IsValid)
        {
            cli.Error.WriteLine($"{result.Errors.Count} problem(s) in the definitions under {paths.ConfigDirectory}.");
            return null;
        }

        return result.Project;
    }

    private async Task<IReadOnlyList<SyncDefinition>?> SelectAsync(string? only, CancellationToken cancellationToken)
    {
        if (Load() is not { } project)
        {
            return null;
        }

        if (only is not null && !project.Syncs.ContainsKey(only))
        {
            cli.Error.WriteLine($"No sync named '{only}'; defined: {string.Join(", ", project.Syncs.Keys.Order(StringComparer.Ordinal))}");
            return null;
        }

        await state.InitializeAsync(cancellationToken);
        return project.Syncs.Values.Where(s => only is null ? s.Enabled : s.Name == only).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}
