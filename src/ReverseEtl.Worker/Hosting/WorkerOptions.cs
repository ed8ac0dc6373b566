using Microsoft.Extensions.Configuration;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running.RecordLog;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The worker's settings, bound from the environment (<c>RETL_*</c>) and validated at start by
/// <see cref="WorkerOptionsValidator"/>. An empty variable counts as unset.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The folder of YAML definitions; <c>--config</c> overrides it.</summary>
    [ConfigurationKeyName("RETL_CONFIG_DIR")]
    public string ConfigDirectory { get; set; } = "config";

    /// <summary>State (SQLite), the demo warehouse and the dry-run outbox.</summary>
    [ConfigurationKeyName("RETL_DATA_DIR")]
    public string DataDirectory { get; set; } = "data";

    /// <summary>PostgreSQL: state and schedules shared by replicas. Holds a password: never logged.</summary>
    [ConfigurationKeyName("RETL_STATE_CONNECTION_STRING")]
    public string? StateConnectionString { get; set; }

    /// <summary>This process's name in the cluster and in the run history.</summary>
    [ConfigurationKeyName("RETL_INSTANCE_ID")]
    public string? InstanceId { get; set; }

    /// <summary>Liveness and readiness; 0 turns them off.</summary>
    [ConfigurationKeyName("RETL_HEALTH_PORT")]
    public int HealthPort { get; set; } = 8080;

    /// <summary>
    /// Turns the status page on (<c>/status</c> on <c>RETL_HEALTH_PORT</c>) and is the token it asks for: at least
    /// <see cref="WorkerOptionsValidator.MinimumUiTokenLength"/> characters. A secret: never logged or shown.
    /// </summary>
    [ConfigurationKeyName("RETL_UI_TOKEN")]
    public string? UiToken { get; set; }

    /// <summary>How long a stop waits for the batch in flight: fits Kubernetes' default grace period of 30 s.</summary>
    [ConfigurationKeyName("RETL_SHUTDOWN_SECONDS")]
    public int ShutdownSeconds { get; set; } = 25;

    /// <summary>How late a fire may start and still count as on time; a later one follows the sync's <c>misfire</c>.</summary>
    [ConfigurationKeyName("RETL_MISFIRE_SECONDS")]
    public int MisfireSeconds { get; set; } = 60;

    /// <summary><c>json</c> or <c>text</c>; unset: text on a terminal, JSON otherwise.</summary>
    [ConfigurationKeyName("RETL_LOG_FORMAT")]
    public string? LogFormat { get; set; }

    /// <summary>How many days the per-record log keeps each run's entries (explain's recent runs); 0 turns it off.</summary>
    [ConfigurationKeyName("RETL_RECORD_LOG_DAYS")]
    public int RecordLogDays { get; set; } = 14;

    /// <summary>The most per-record log entries kept per sync; the oldest go first.</summary>
    [ConfigurationKeyName("RETL_RECORD_LOG_MAX_ROWS")]
    public int RecordLogMaxRows { get; set; } = 200_000;

    /// <summary>The per-record log's settings, as the runner takes them.</summary>
    public RecordLogSettings RecordLog => new(RecordLogDays, RecordLogMaxRows);

    /// <summary>
    /// The settings as registration sees them: Quartz and the host's shutdown timeout are configured while services are
    /// registered. Settings that do not bind or are out of range are reported, naming the variable and value, by the
    /// validation that runs before any verb; until then the defaults stand in.
    /// </summary>
    public static WorkerOptions ForRegistration(IConfiguration configuration)
    {
        try
        {
            var bound = configuration.Get<WorkerOptions>() ?? new WorkerOptions();
            return new WorkerOptionsValidator().Validate(null, bound).Succeeded ? bound : new WorkerOptions();
        }
        catch (InvalidOperationException)
        {
            return new WorkerOptions(); // the same binding fails again in validation, which reports it
        }
    }

    /// <summary><see cref="InstanceId"/>, or the host name and process id.</summary>
    public string InstanceName => InstanceId ?? ProcessInstance.Default;

    /// <summary>The folders as absolute paths.</summary>
    public RuntimePaths Paths => new(Path.GetFullPath(ConfigDirectory), Path.GetFullPath(DataDirectory));

    /// <summary>Whether logs in <paramref name="format"/> are JSON lines: <c>json</c>, or unset and standard error is not a terminal.</summary>
    public static bool IsJson(string? format) => format is null ? Console.IsErrorRedirected : format.Equals("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings as a log line: never the state connection string, which holds a password, nor the UI token.</summary>
    public override string ToString() =>
        $"health port {HealthPort}, status page {(UiToken is null || HealthPort == 0 ? "off" : "on")}, shutdown {ShutdownSeconds} s, instance {InstanceName}, misfire after {MisfireSeconds} s, {(StateConnectionString is null ? "in-memory" : "clustered")} schedules";
}
