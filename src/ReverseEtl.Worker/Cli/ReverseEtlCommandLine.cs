using System.CommandLine;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Worker.Cli;

/// <summary>The verbs: validate, plan, run, status, health; with no verb the worker runs the syncs' schedules.</summary>
public static class ReverseEtlCommandLine
{
    public const int Ok = 0;
    public const int SyncFailed = 1;
    public const int InvalidDefinitions = 2;

    public static RootCommand Build(CliContext? context = null)
    {
        var cli = context ?? CliContext.Process;
        var verbs = new Verbs(cli);
        var config = new Option<string>("--config")
        {
            Description = "The folder of YAML definitions (default: RETL_CONFIG_DIR, else ./config).",
            DefaultValueFactory = _ => cli.Variable("RETL_CONFIG_DIR") ?? "config",
            Recursive = true,
        };
        var sync = new Option<string?>("--sync") { Description = "Only this sync." };
        var once = new Option<bool>("--once") { Description = "Run every enabled sync (or --sync) once, then exit." };
        var acceptSchema = new Option<bool>("--accept-schema-changes") { Description = "Accept mapped columns whose type changed since the last run, instead of stopping the sync." };

        var root = new RootCommand("ReverseEtl: syncs modelled warehouse rows to Slack and other tools, sending only what changed.");
        root.Options.Add(config);
        root.SetAction((result, ct) => verbs.ScheduleAsync(Paths(cli, result, config), ct));

        var validate = new Command("validate", "Check every definition and report every problem as file:line:column: path: message.");
        validate.SetAction((result, _) => verbs.ValidateAsync(Paths(cli, result, config)));

        var plan = new Command("plan", "Show what a run would send (counts and sample payloads) without sending or changing state.") { sync };
        plan.SetAction((result, ct) => verbs.PlanAsync(Paths(cli, result, config), result.GetValue(sync), ct));

        var run = new Command("run", "Run syncs: with --once, each once and exit; without, on their schedules.") { once, sync, acceptSchema };
        run.SetAction((result, ct) => result.GetValue(once)
            ? verbs.RunOnceAsync(Paths(cli, result, config), result.GetValue(sync), result.GetValue(acceptSchema), ct)
            : verbs.ScheduleAsync(Paths(cli, result, config), ct));

        var status = new Command("status", "Show the last run of each sync and its failing records.");
        status.SetAction((result, ct) => verbs.StatusAsync(Paths(cli, result, config), ct));

        var health = new Command("health", "Ask the running worker's /healthz/ready (RETL_HEALTH_PORT, default 8080); exit 0 when ready: the container's HEALTHCHECK.");
        health.SetAction((_, ct) => verbs.HealthAsync(ct));

        root.Subcommands.Add(validate);
        root.Subcommands.Add(plan);
        root.Subcommands.Add(run);
        root.Subcommands.Add(status);
        root.Subcommands.Add(health);
        return root;
    }

    private static RuntimePaths Paths(CliContext cli, ParseResult result, Option<string> config)
    {
        var data = cli.Variable("RETL_DATA_DIR") ?? "data";
        return new RuntimePaths(Path.GetFullPath(result.GetValue(config)!), Path.GetFullPath(data));
    }
}
