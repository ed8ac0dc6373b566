using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ReverseEtl.Worker.Hosting;
using ReverseEtl.Worker.Hosting.Telemetry;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// The verbs: validate, plan, run, status, health, and for one sync's records failures, retry, skip, reset and approve;
/// with no verb the worker runs the syncs' schedules.
/// </summary>
public sealed partial class ReverseEtlCommandLine
{
    public const int Ok = 0;
    public const int SyncFailed = 1;
    public const int InvalidDefinitions = 2;

    private readonly CliContext _cli;
    private readonly RootCommand _root;
    private readonly Option<string?> _config = new("--config") { Description = "The folder of YAML definitions (default: RETL_CONFIG_DIR, else ./config).", Recursive = true };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "On an error, show its stack trace as well as the one line that explains it.", Recursive = true };
    private readonly Option<bool> _once = new("--once") { Description = "Run every enabled sync (or --sync) once, then exit." };
    private IHost? _host;
    private bool _isVerbose;

    private ReverseEtlCommandLine(CliContext cli)
    {
        _cli = cli;
        var sync = new Option<string?>("--sync") { Description = "Only this sync." };
        var acceptSchema = new Option<bool>("--accept-schema-changes") { Description = "Accept mapped columns whose type changed since the last run, instead of stopping the sync." };

        _root = new RootCommand("ReverseEtl: syncs modelled warehouse rows to Slack and other tools, sending only what changed.") { _config, _verbose };
        _root.SetAction((_, ct) => Verb<Verbs>(v => v.ScheduleAsync(ct)));
        var live = new Option<bool>("--live") { Description = "Also run each model with no row and check the key, mapped columns, trigger and templates against its columns, and the destination's fields." };
        Add(new Command("validate", "Check every definition and report every problem as file:line:column: path: message.") { live, Json },
            (r, ct) => r.GetValue(live) ? Verb<LiveValidation>(v => v.ValidateAsync(r.GetValue(Json), ct)) : Verb<Verbs>(v => v.ValidateAsync(r.GetValue(Json))));
        Add(new Command("plan", "Show what a run would send (counts and sample payloads) without sending or changing state; with --all or --key, render current rows even when nothing changed.") { sync, PreviewAll, PreviewKey, PreviewLimit, Json },
            (r, ct) => Verb<Verbs>(v => r.GetValue(PreviewAll) || r.GetValue(PreviewKey) is not null
                ? v.PreviewAsync(r.GetValue(sync), r.GetValue(PreviewKey), r.GetValue(PreviewLimit), r.GetValue(Json), ct)
                : v.PlanAsync(r.GetValue(sync), r.GetValue(Json), ct)));
        Add(new Command("run", "Run syncs: with --once, each once and exit; without, on their schedules.") { _once, sync, acceptSchema },
            (r, ct) => Verb<Verbs>(v => r.GetValue(_once) ? v.RunOnceAsync(r.GetValue(sync), r.GetValue(acceptSchema), ct) : v.ScheduleAsync(ct)));
        Add(new Command("status", "Show the last run of each sync, its failing records and its held plans.") { Json },
            (r, ct) => Verb<Verbs>(v => v.StatusAsync(r.GetValue(Json), ct)));
        Add(new Command("health", "Ask the running worker's /healthz/ready (RETL_HEALTH_PORT, default 8080); exit 0 when ready: the container's HEALTHCHECK."),
            (_, ct) => Verb<HealthProbe>(h => h.AskAsync(ct)));
        AddRecordVerbs();
        AddDemoVerbs();
    }

    /// <summary>
    /// Parses <paramref name="args"/>, builds the host once (<c>--config</c> overriding <c>RETL_CONFIG_DIR</c>), checks the
    /// settings, and runs the verb with the host's services. <paramref name="configure"/> adds configuration after the
    /// environment (a test's own settings).
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext cli, Action<IConfigurationBuilder>? configure = null)
    {
        var commandLine = new ReverseEtlCommandLine(cli);
        var parsed = commandLine._root.Parse(args);
        var schedules = commandLine.Schedules(parsed);
        var config = parsed.GetValue(commandLine._config);
        commandLine._isVerbose = parsed.GetValue(commandLine._verbose);
        var builder = ReverseEtlHost.CreateBuilder(
            configuration =>
            {
                configure?.Invoke(configuration);
                if (config is not null)
                {
                    configuration.AddInMemoryCollection([new("RETL_CONFIG_DIR", config)]);
                }
            },
            schedules: schedules);
        builder.Services.AddSingleton(cli).AddSingleton<Verbs>().AddSingleton<RecordVerbs>().AddSingleton<LiveValidation>().AddSingleton<HealthProbe>().AddSingleton<DemoVerbs>();
        using var host = builder.Build();
        commandLine._host = host;
        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = cli.Output,
            Error = cli.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = StopGrace(schedules, host),
        });
    }

    /// <summary>
    /// How long System.CommandLine lets a verb finish after SIGTERM or SIGINT before it ends the process with 143 or
    /// 130; null: it does not handle those signals. Left to its default of 2 s, it cut short the scheduled worker's
    /// graceful stop (a CI run under load exited 143 after its run had ended Cancelled) and a <c>run --once</c> with a
    /// message in flight. The scheduled worker's host handles the signals itself (its console lifetime) and waits up to
    /// <c>RETL_SHUTDOWN_SECONDS</c>, so System.CommandLine stays out of it; every other verb is stopped through
    /// System.CommandLine's token and gets the same <c>RETL_SHUTDOWN_SECONDS</c>.
    /// </summary>
    private static TimeSpan? StopGrace(bool schedules, IHost host) =>
        schedules ? null : host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

    /// <summary>
    /// Whether <paramref name="args"/> run the long-running worker (no verb, or <c>run</c> without <c>--once</c>), the
    /// only one that needs Quartz and the port; every other verb builds its host without them.
    /// </summary>
    internal static bool Schedules(string[] args)
    {
        var commandLine = new ReverseEtlCommandLine(new CliContext(TextWriter.Null, TextWriter.Null));
        return commandLine.Schedules(commandLine._root.Parse(args));
    }

    private bool Schedules(ParseResult parsed) =>
        parsed.CommandResult.Command == _root || (parsed.CommandResult.Command.Name == "run" && !parsed.GetValue(_once));

    private void Add(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(action);
        _root.Subcommands.Add(command);
    }

    // Runs the verb once the settings are known good; whatever it throws (but a stop) becomes one line and exit 1.
    private async Task<int> Verb<T>(Func<T, Task<int>> verb)
        where T : notnull
    {
        var services = _host!.Services;
        try
        {
            if (SettingsProblems(services) is { Count: > 0 } problems)
            {
                problems.ForEach(_cli.Error.WriteLine);
                return InvalidDefinitions;
            }

            WorkerTelemetry.StartExport(services);
            return await verb(services.GetRequiredService<T>());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failures.Write(_cli.Error, ex, _isVerbose);
            return SyncFailed;
        }
    }

    // Every setting that does not bind or is out of range, each naming its variable and value.
    private static List<string> SettingsProblems(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception ex) when (Explain(ex) is { Count: > 0 } problems)
        {
            return problems;
        }
    }

    // The messages of a failed validation; empty when any part of it is something else, which then goes on up.
    private static List<string> Explain(Exception exception) => exception switch
    {
        AggregateException all => all.InnerExceptions.Select(Explain).ToList() is var parts && parts.All(p => p.Count > 0) ? parts.SelectMany(p => p).ToList() : [],
        OptionsValidationException invalid => invalid.Failures.ToList(),
        InvalidOperationException { InnerException: ArgumentException or FormatException or OverflowException } => [exception.Message],
        _ => [],
    };
}
