using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.State;
using ReverseEtl.Core.Templates;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;
using ReverseEtl.Destinations.Salesforce;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.State.Postgres;
using ReverseEtl.State.Sqlite;
using ReverseEtl.Warehouses.DuckDb;
using ReverseEtl.Warehouses.Postgres;
using ReverseEtl.Warehouses.Snowflake;

namespace ReverseEtl.Worker.Hosting;

public static class ServiceRegistration
{
    /// <summary>Everything a verb needs: definitions, the runner, the state store, and one AddX() per connector.</summary>
    public static IServiceCollection AddReverseEtl(this IServiceCollection services, RuntimePaths paths, Func<string, string?>? environment = null)
    {
        services.AddSingleton(paths);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITemplateCompiler, LiquidTemplateCompiler>();
        services.AddSingleton<ConnectorCatalog>();
        services.AddSingleton(environment is null ? EnvironmentSubstitution.FromProcess() : new EnvironmentSubstitution(environment));
        services.AddSingleton<DefinitionLoader>();
        services.AddSingleton<SyncRunner>();
        services.AddSingleton<SyncPlanner>();
        // RETL_STATE_CONNECTION_STRING (PostgreSQL) shares the state between replicas; without it, SQLite under the data directory.
        var variable = environment ?? Environment.GetEnvironmentVariable;
        var instance = WorkerSettings.InstanceName(variable);
        services.AddSingleton<ISyncStateStore>(sp => variable("RETL_STATE_CONNECTION_STRING") is { Length: > 0 } shared
            ? new PostgresSyncStateStore(shared, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresSyncStateStore>>()) { Instance = instance }
            : new SqliteSyncStateStore(Path.Combine(paths.DataDirectory, "state.db"), sp.GetRequiredService<TimeProvider>()) { Instance = instance });
        services.AddDuckDb();
        services.AddPostgres();
        services.AddSnowflake();
        services.AddSlack();
        services.AddSlackWebhook();
        services.AddHubSpot();
        services.AddIntercom();
        services.AddSalesforce();
        return services;
    }

    /// <summary>
    /// Logs to standard error, so that verbs' output stays clean on standard output: one line of text each on a
    /// terminal, one JSON object each otherwise (a container's log collector). <c>RETL_LOG_FORMAT=json|text</c> overrides.
    /// </summary>
    public static ILoggingBuilder AddWorkerConsole(this ILoggingBuilder logging, Func<string, string?>? environment = null)
    {
        var format = (environment ?? Environment.GetEnvironmentVariable)("RETL_LOG_FORMAT") is { Length: > 0 } chosen
            ? chosen.ToLowerInvariant()
            : Console.IsErrorRedirected ? "json" : "text";
        _ = format == "json"
            ? logging.AddJsonConsole(o => (o.TimestampFormat, o.UseUtcTimestamp) = ("yyyy-MM-ddTHH:mm:ss.fffZ", true))
            : logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat, o.UseUtcTimestamp) = (true, "HH:mm:ss ", true));
        return logging
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information)
            .AddFilter("Quartz", LogLevel.Warning)
            .AddFilter("Polly", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information);
    }
}
