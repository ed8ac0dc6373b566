using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// What a read verb prints with <c>--json</c>: one JSON document on standard output, snake_case names, ISO 8601 times
/// and enum names as text, for scripts and dashboards.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static int Write<T>(CliContext cli, T value)
    {
        cli.Output.WriteLine(JsonSerializer.Serialize(value, Options));
        return ReverseEtlCommandLine.Ok;
    }
}
