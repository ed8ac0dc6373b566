using Microsoft.Extensions.Options;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Every bad setting at once, each naming its variable and its value.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new[]
        {
            Range("RETL_HEALTH_PORT", options.HealthPort, 0, 65535),
            Range("RETL_SHUTDOWN_SECONDS", options.ShutdownSeconds, 1, 3600),
            Range("RETL_MISFIRE_SECONDS", options.MisfireSeconds, 1, 86400),
            options.LogFormat?.ToUpperInvariant() is null or "JSON" or "TEXT" ? null : $"RETL_LOG_FORMAT='{options.LogFormat}' is not 'json' or 'text'.",
        }.OfType<string>().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? Range(string variable, int value, int min, int max) =>
        value >= min && value <= max ? null : $"{variable}='{value}' is not a whole number from {min} to {max}.";
}
