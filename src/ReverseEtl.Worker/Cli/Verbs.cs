using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.State;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>What each verb does. Output for people goes to standard output; logs go to standard error.</summary>
internal sealed class Verbs(CliContext cli)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where this verb writes and reads its environment.</summary>
    public CliContext Cli => cli;

    public async Task<int> ValidateAsync(RuntimePaths paths)
    {
        await using var services = Services(paths, cli.Environment);
        var result = Load(services, paths);
        if (result.Project is { } project)
        {
            cli.Output.WriteLine($"OK: {project.Connections.Count} connections, {project.Models.Count} models, {project.Syncs.Count} syncs in {paths.ConfigDirectory}");
        }

        return result.IsValid ? Ok : InvalidDefinitions;
    }

    public async Task<int> PlanAsync(RuntimePaths paths, string? only, CancellationToken cancellationToken)
    {
        await using var services = Services(paths, cli.Environment);
        if (await PrepareAsync(services, paths, only, cancellationToken) is not var (runtime, syncs))
        {
            return InvalidDefinitions;
        }

        await using var disposeRuntime = runtime;

        var planner = services.GetRequiredService<SyncPlanner>();
        foreach (var sync in syncs)
        {
            var plan = await planner.PlanAsync(runtime, sync, samples: 3, cancellationToken);
            cli.Output.WriteLine($"{plan.Sync}: {plan.Counts.RowsRead} rows, {plan.Counts.Added} added, {plan.Counts.Changed} changed, {plan.Counts.Removed} removed, {plan.Counts.Rejected} rejected; {plan.ToSend} to send");
            plan.Rejections.ToList().ForEach(r => cli.Output.WriteLine($"  rejected {r}"));
            plan.Samples.ToList().ForEach(s => cli.Output.WriteLine($"  sample: {s.ToJsonString(Indented).Replace("\n", "\n  ", StringComparison.Ordinal)}"));
        }

        return Ok;
    }

    public async Task<int> RunOnceAsync(RuntimePaths paths, string? only, bool acceptSchemaChanges, CancellationToken cancellationToken)
    {
        await using var services = Services(paths, cli.Environment);
        if (await PrepareAsync(services, paths, only, cancellationToken, acceptSchemaChanges) is not var (runtime, syncs))
        {
            return InvalidDefinitions;
        }

        await using var disposeRuntime = runtime;

        var runner = services.GetRequiredService<SyncRunner>();
        var failed = false;
        foreach (var sync in syncs)
        {
            var report = await runner.RunAsync(runtime, sync, cancellationToken);
            failed |= report.Status is not (RunStatus.Succeeded or RunStatus.Skipped);
            cli.Output.WriteLine($"{report.Sync}: {report.Status}: {report.Counts}{(report.Error is null ? string.Empty : $" — {report.Error}")}");
            if (report.DryRunOutbox is { } outbox && (report.Counts.Sent > 0 || report.Status == RunStatus.Succeeded))
            {
                cli.Output.WriteLine($"  dry run (no credentials): the requests for {report.Counts.Sent} record(s) were written to {Path.GetRelativePath(Directory.GetCurrentDirectory(), outbox)}, nothing was sent");
            }
        }

        return failed ? SyncFailed : Ok;
    }

    public async Task<int> StatusAsync(RuntimePaths paths, CancellationToken cancellationToken)
    {
        await using var services = Services(paths, cli.Environment);
        var state = services.GetRequiredService<ISyncStateStore>();
        await state.InitializeAsync(cancellationToken);
        var statuses = await state.GetStatusAsync(cancellationToken);
        if (statuses.Count == 0)
        {
            cli.Output.WriteLine("No sync has run yet.");
        }

        foreach (var s in statuses)
        {
            cli.Output.WriteLine($"{s.Sync}: run {s.RunId} {s.Status} at {s.StartedAt:yyyy-MM-dd HH:mm:ss}Z{(s.Instance is null ? string.Empty : $" on {s.Instance}")}: {s.Counts}{(s.Error is null ? string.Empty : $" — {s.Error}")}");
            if (s.FailingRecords > 0)
            {
                cli.Output.WriteLine($"  {s.FailingRecords} record(s) failing; latest: {s.LastFailure}");
            }
        }

        return Ok;
    }

    public async Task<int> HealthAsync(CancellationToken cancellationToken)
    {
        var port = WorkerSettings.From(cli.Variable).HealthPort;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz/ready"), cancellationToken);
            cli.Output.Write(await answer.Content.ReadAsStringAsync(cancellationToken));
            return answer.IsSuccessStatusCode ? Ok : SyncFailed;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            cli.Error.WriteLine($"No worker answered on port {port}: {ex.Message}");
            return SyncFailed;
        }
    }

    public Task<int> ScheduleAsync(RuntimePaths paths, CancellationToken cancellationToken) =>
        ScheduledHost.RunAsync(this, paths, cancellationToken);

    internal static ServiceProvider Services(RuntimePaths paths, Func<string, string?>? environment = null)
    {
        var services = new ServiceCollection().AddReverseEtl(paths, environment);
        services.AddLogging(logging => logging.AddWorkerConsole());
        return services.BuildServiceProvider();
    }

    internal DefinitionLoadResult Load(IServiceProvider services, RuntimePaths paths)
    {
        var result = services.GetRequiredService<DefinitionLoader>().Load(paths);
        foreach (var error in result.Errors)
        {
            cli.Error.WriteLine(error);
        }

        if (!result.IsValid)
        {
            cli.Error.WriteLine($"{result.Errors.Count} problem(s) in the definitions under {paths.ConfigDirectory}.");
        }

        return result;
    }

    private async Task<(ProjectRuntime, IReadOnlyList<SyncDefinition>)?> PrepareAsync(IServiceProvider services, RuntimePaths paths, string? only, CancellationToken cancellationToken, bool acceptSchemaChanges = false)
    {
        if (Load(services, paths).Project is not { } project)
        {
            return null;
        }

        if (only is not null && !project.Syncs.ContainsKey(only))
        {
            cli.Error.WriteLine($"No sync named '{only}'; defined: {string.Join(", ", project.Syncs.Keys.Order(StringComparer.Ordinal))}");
            return null;
        }

        await services.GetRequiredService<ISyncStateStore>().InitializeAsync(cancellationToken);
        var syncs = project.Syncs.Values.Where(s => only is null ? s.Enabled : s.Name == only).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        return (new ProjectRuntime(project, services.GetRequiredService<ConnectorCatalog>()) { AcceptSchemaChanges = acceptSchemaChanges }, syncs);
    }
}
