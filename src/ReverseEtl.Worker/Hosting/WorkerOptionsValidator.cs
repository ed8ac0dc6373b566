using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ReverseEtl.Worker.Hosting;

/// <summary>Every bad setting at once, each naming its variable and its value.</summary>
public sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    /// <summary>The shortest <c>RETL_UI_TOKEN</c> accepted.</summary>
    public const int MinimumUiTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new[]
        {
            Range("RETL_HEALTH_PORT", options.HealthPort, 0, 65535),
            Range("RETL_SHUTDOWN_SECONDS", options.ShutdownSeconds, 1, 3600),
            Range("RETL_MISFIRE_SECONDS", options.MisfireSeconds, 1, 86400),
            Range("RETL_RECORD_LOG_DAYS", options.RecordLogDays, 0, 3650),
            Range("RETL_RECORD_LOG_MAX_ROWS", options.RecordLogMaxRows, 1, 100_000_000),
            options.LogFormat?.ToUpperInvariant() is null or "JSON" or "TEXT" ? null : $"RETL_LOG_FORMAT='{options.LogFormat}' is not 'json' or 'text'.",
            ConnectionString(options.StateConnectionString),
            DataDirectory(options.DataDirectory),
            UiToken(options.UiToken),
        }.OfType<string>().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The value is never shown: it holds a password.
    private static string? ConnectionString(string? value)
    {
        try
        {
            if (value is not null)
            {
                Parse(value);
            }

            return null;
        }
        catch (ArgumentException ex)
        {
            return $"RETL_STATE_CONNECTION_STRING is not a PostgreSQL connection string ({ex.Message}); its value is not shown, since it holds a password.";
        }
    }

    // A method of its own, so that Npgsql is loaded only when the setting is there (SQLite state never maps it).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Parse(string value) => _ = new NpgsqlConnectionStringBuilder(value);

    // The value is never shown, nor its length: it is the status page's secret.
    private static string? UiToken(string? value) =>
        value is null || (value.Length >= MinimumUiTokenLength && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) ? null
            : $"RETL_UI_TOKEN is shorter than {MinimumUiTokenLength} characters or holds spaces or control characters; set a random value (e.g. `openssl rand -hex 24`) or unset it to turn the status page off. Its value is not shown.";

    // A folder, or one that can be created: neither a file nor under one.
    private static string? DataDirectory(string value)
    {
        var full = Path.GetFullPath(value);
        for (var path = full; path is not null && !Directory.Exists(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                var which = path == full ? "is a file" : $"is under '{path}', which is a file";
                return $"RETL_DATA_DIR='{value}' {which}, not a folder; point it at a folder (it is created when missing).";
            }
        }

        return null;
    }

    private static string? Range(string variable, int value, int min, int max) =>
        value >= min && value <= max ? null : $"{variable}='{value}' is not a whole number from {min} to {max}.";
}
