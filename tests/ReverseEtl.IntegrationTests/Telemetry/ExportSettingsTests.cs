using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReverseEtl.Worker.Hosting.Telemetry;

namespace ReverseEtl.IntegrationTests.Telemetry;

/// <summary>Which signals go out over OTLP, read from the standard variables; with none set, no SDK is registered.</summary>
public sealed class ExportSettingsTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://127.0.0.1:4318", null, null, true)]
    [InlineData("http://127.0.0.1:4318", "none", null, false)]
    [InlineData(null, "otlp", null, true)]
    [InlineData(null, "console, OTLP", null, true)]
    [InlineData(null, null, "http://127.0.0.1:4318/v1/traces", true)]
    [InlineData("", "", "", false)]
    public void Exports_StandardVariables_TracesOnlyWhenAsked(string? endpoint, string? exporter, string? tracesEndpoint, bool expected)
    {
        var configuration = Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), ("OTEL_TRACES_EXPORTER", exporter), ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint));

        Assert.Equal(expected, WorkerTelemetry.Exports(configuration, "TRACES"));
    }

    [Fact]
    public async Task Host_NoOtelVariables_RegistersNoProvider()
    {
        await using var project = new TestProject();

        Assert.Null(project.Get<IServiceProvider>().GetService(typeof(TracerProvider)));
        Assert.Null(project.Get<IServiceProvider>().GetService(typeof(MeterProvider)));
        Assert.NotNull(project.Get<MetricsEndpoint>());
    }

    [Fact]
    public async Task Host_MetricsOff_RegistersOnlyTheTracerProvider()
    {
        await using var project = new TestProject().WithVariable("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9").WithVariable("OTEL_METRICS_EXPORTER", "none");

        Assert.NotNull(project.Get<IServiceProvider>().GetService(typeof(TracerProvider)));
        Assert.Null(project.Get<IServiceProvider>().GetService(typeof(MeterProvider)));
    }

    // As the host reads the environment: an empty variable counts as unset.
    private static IConfiguration Configuration(params (string Name, string? Value)[] variables) =>
        new ConfigurationBuilder().AddInMemoryCollection(variables.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))).Build();
}
