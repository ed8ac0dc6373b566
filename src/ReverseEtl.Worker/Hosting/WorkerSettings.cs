using System.Globalization;
using ReverseEtl.State;

namespace ReverseEtl.Worker.Hosting;

/// <summary>
/// The long-running worker's settings, from the environment: <c>RETL_HEALTH_PORT</c> (liveness and readiness, default
/// 8080; 0 turns them off), <c>RETL_SHUTDOWN_SECONDS</c> (how long a stop waits for the batch in flight, default 25, to
/// fit Kubernetes' default grace period of 30 s), <c>RETL_STATE_CONNECTION_STRING</c> (PostgreSQL: the schedules are
/// clustered there too), <c>RETL_INSTANCE_ID</c> (this replica's name in the cluster, default host name and process id)
/// and <c>RETL_MISFIRE_SECONDS</c> (how late a fire may start and still count as on time, default 60; a later one
/// follows the sync's <c>misfire</c> policy).
/// </summary>
internal sealed record WorkerSettings(int HealthPort, TimeSpan ShutdownTimeout, string? SharedState, string InstanceId, TimeSpan MisfireThreshold)
{
    public static WorkerSettings From(Func<string, string?> environment)
    {
        var port = Number(environment, "RETL_HEALTH_PORT", 8080, 0, 65535);
        var shutdown = Number(environment, "RETL_SHUTDOWN_SECONDS", 25, 1, 3600);
        var shared = environment("RETL_STATE_CONNECTION_STRING") is { Length: > 0 } s ? s : null;
        var instance = InstanceName(environment);
        var misfire = Number(environment, "RETL_MISFIRE_SECONDS", 60, 1, 86400);
        return new WorkerSettings(port, TimeSpan.FromSeconds(shutdown), shared, instance, TimeSpan.FromSeconds(misfire));
    }

    /// <summary>This process's name in the cluster and in the run history: RETL_INSTANCE_ID, or host name and process id.</summary>
    public static string InstanceName(Func<string, string?> environment) =>
        environment("RETL_INSTANCE_ID") is { Length: > 0 } id ? id : SqlSyncStateStore.DefaultInstance;

    private static int Number(Func<string, string?> environment, string name, int fallback, int min, int max)
    {
        var text = environment(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name}='{text}' is not a whole number from {min} to {max}.");
    }

    /// <summary>The record's text never includes the state connection string (it holds a password).</summary>
    public override string ToString() => $"health port {HealthPort}, shutdown {ShutdownTimeout.TotalSeconds} s, instance {InstanceId}, misfire after {MisfireThreshold.TotalSeconds} s, {(SharedState is null ? "in-memory" : "clustered")} schedules";
}
