using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Alerts;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Templates;
using ReverseEtl.Destinations.Http;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;
using ReverseEtl.Destinations.Salesforce;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.State.Postgres;
using ReverseEtl.State.Sqlite;
using ReverseEtl.Warehouses.DuckDb;
using ReverseEtl.Warehouses.Postgres;
using ReverseEtl.Warehouses.Snowflake;
using ReverseEtl.Worker.Hosting.Telemetry;

namespace ReverseEtl.Worker.Hosting;

/// <summary>One <c>AddX()</c> per area, each reading its settings from options.</summary>
public static class ServiceRegistration
{
    /// <summary>
    /// Settings, definitions, the runner, the state store, one <c>AddX()</c> per connector, telemetry and logging; with
    /// <paramref name="schedules"/>, the long-running worker's parts too: Quartz's schedules and the port (health, metrics,
    /// status page). A verb that never runs the host leaves them out, and with them the assemblies they load.
    /// </summary>
    public static IHostApplicationBuilder AddReverseEtl(this IHostApplicationBuilder builder, bool schedules = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var early = WorkerOptions.ForRegistration(builder.Configuration);
        services.AddOptions<WorkerOptions>().BindConfiguration(string.Empty).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(early.ShutdownSeconds));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value.Paths);
        services.AddSingleton(sp => Substitution(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ITemplateCompiler, LiquidTemplateCompiler>();
        services.AddSingleton<ConnectorCatalog>();
        services.AddSingleton<DefinitionLoader>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value.RecordLog);
        services.AddSingleton<SyncRunner>();
        services.AddSingleton<SyncPlanner>();
        services.AddStateStore();
        services.AddDuckDb().AddPostgres().AddSnowflake();
        services.AddSlack().AddSlackWebhook().AddHubSpot().AddIntercom().AddSalesforce();
        services.AddSlackAlerts().AddAlerts();
        if (schedules)
        {
            services.AddSyncSchedules(early).AddWorkerPort();
        }

        services.AddWorkerTelemetry(builder.Configuration, early.InstanceName);
        services.AddSingleton<LoadedProject>().AddSingleton<ScheduledHost>();
        builder.Logging.ClearProviders().AddConfiguration(builder.Configuration.GetSection("Logging")).AddWorkerConsole();
        return builder;
    }

    /// <summary>
    /// The state store chosen from options: PostgreSQL (<c>RETL_STATE_CONNECTION_STRING</c>) shares it between replicas;
    /// without it, SQLite under the data directory. Registered as each of its parts, so consumers take the part they use.
    /// </summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services)
    {
        services.AddSingleton<ISyncStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.StateConnectionString is { } shared
                ? new PostgresSyncStateStore(shared, time, sp.GetRequiredService<ILogger<PostgresSyncStateStore>>()) { Instance = options.InstanceName }
                : new SqliteSyncStateStore(Path.Combine(options.Paths.DataDirectory, "state.db"), time, sp.GetRequiredService<ILogger<SqliteSyncStateStore>>()) { Instance = options.InstanceName };
        });
        // The pace per credential: with the PostgreSQL state, a budget every replica shares; with SQLite, this process's own.
        services.AddSingleton(sp => new SharedRateLimiters(sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<WorkerOptions>>().Value.StateConnectionString is { } budgets ? new PostgresCredentialBudget(budgets) : null));
        services.AddSingleton<IRecordStateStore>(sp => sp.GetRequiredService<ISyncStateStore>());
        services.AddSingleton<ISchemaColumnStore>(sp => sp.GetRequiredService<ISyncStateStore>());
        services.AddSingleton<IRunJournal>(sp => sp.GetRequiredService<ISyncStateStore>());
        return services.AddSingleton<ISyncLock>(sp => sp.GetRequiredService<ISyncStateStore>());
    }

    /// <summary>
    /// Logs to standard error, so that verbs' output stays clean on standard output: one line of text each on a
    /// terminal, one JSON object each otherwise (a container's log collector). <c>RETL_LOG_FORMAT=json|text</c> overrides.
    /// </summary>
    public static ILoggingBuilder AddWorkerConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        // From the raw setting, not the validated options: the logger is built with the host, before validation runs.
        // After the formatters' own configuration, each of which would make itself the one in use.
        logging.Services.AddOptions<ConsoleLoggerOptions>().PostConfigure<IConfiguration>((console, configuration) =>
            console.FormatterName = WorkerOptions.IsJson(configuration["RETL_LOG_FORMAT"]) ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        return logging
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddJsonConsole(o => (o.TimestampFormat, o.UseUtcTimestamp) = ("yyyy-MM-ddTHH:mm:ss.fffZ", true))
            .AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat, o.UseUtcTimestamp) = (true, "HH:mm:ss ", true))
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
            .AddFilter("Quartz", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information);
    }

    // ${VAR} in the YAML reads the configuration: the environment, where A__B is the key A:B.
    private static EnvironmentSubstitution Substitution(IConfiguration configuration) =>
        new(name => configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)]);
}
