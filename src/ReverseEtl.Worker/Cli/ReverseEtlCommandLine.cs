using System.CommandLine;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Worker.Cli;

/// <summary>The verbs: validate, plan, run, status; with no verb the worker runs the syncs' schedules.</summary>
public static class ReverseEtlCommandLine
{
    public const int Ok = 0;
    public const int SyncFailed = 1;
    public const int InvalidDefinitions = 2;

    public static RootCommand Build()
    {
        var config = new Option<string>("--config")
        {
            Description = "The folder of YAML definitions (default: RETL_CONFIG_DIR, else ./config).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RETL_CONFIG_DIR") is { Length: > 0 } dir ? dir : "config",
            Recursive = true,
        };
        var sync = new Option<string?>("--sync") { Description = "Only this sync." };
        var once = new Option<bool>("--once") { Description = "Run every enabled sync (or --sync) once, then exit." };

        var root = new RootCommand("ReverseEtl: syncs modelled warehouse rows to Slack and other tools, sending only what changed.");
        root.Options.Add(config);
        root.SetAction((result, ct) => Verbs.ScheduleAsync(Paths(result, config), ct));

        var validate = new Command("validate", "Check every definition and report every problem as file:line:column: path: message.");
        validate.SetAction((result, _) => Verbs.ValidateAsync(Paths(result, config)));

        var plan = new Command("plan", "Show what a run would send (counts and sample payloads) without sending or changing state.") { sync };
        plan.SetAction((result, ct) => Verbs.PlanAsync(Paths(result, config), result.GetValue(sync), ct));

        var run = new Command("run", "Run syncs: with --once, each once and exit; without, on their schedules.") { once, sync };
        run.SetAction((result, ct) => result.GetValue(once)
            ? Verbs.RunOnceAsync(Paths(result, config), result.GetValue(sync), ct)
            : Verbs.ScheduleAsync(Paths(result, config), ct));

        var status = new Command("status", "Show the last run of each sync and its failing records.");
        status.SetAction((result, ct) => Verbs.StatusAsync(Paths(result, config), ct));

        root.Subcommands.Add(validate);
        root.Subcommands.Add(plan);
        root.Subcommands.Add(run);
        root.Subcommands.Add(status);
        return root;
    }

    private static RuntimePaths Paths(ParseResult result, Option<string> config)
    {
        var data = Environment.GetEnvironmentVariable("RETL_DATA_DIR") is { Length: > 0 } dir ? dir : "data";
        return new RuntimePaths(Path.GetFullPath(result.GetValue(config)!), Path.GetFullPath(data));
    }
}
