using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// The runtime settings the worker's project file puts in its runtimeconfig.json, which every way of running the
/// worker reads (dotnet run, the built program the process tests start, the container image's publish).
/// </summary>
public sealed class RuntimeConfigTests
{
    private static readonly string RuntimeConfig = Path.ChangeExtension(WorkerProcess.Program, ".runtimeconfig.json");

    [Fact]
    public void Gen0MaxBudget_IsFourMebibytes_UnderTheNameTheRuntimeReads()
    {
        var properties = Properties();

        // 4 MiB, not the budget the GC sizes from the CPU cache: a 1M-row run peaks 6-14 MiB lower for the same CPU.
        Assert.Equal(4L * 1024 * 1024, properties["System.GC.Gen0MaxBudget"]!.GetValue<long>());

        // The private names are read from environment variables only: in runtimeconfig.json they would do nothing.
        Assert.False(properties.ContainsKey("GCgen0size"));
        Assert.False(properties.ContainsKey("GCGen0MaxBudget"));
    }

    [Fact]
    public void DynamicPgo_StaysOff()
    {
        Assert.False(Properties()["System.Runtime.TieredPGO"]!.GetValue<bool>());
    }

    private static JsonObject Properties()
    {
        Assert.True(File.Exists(RuntimeConfig), $"{RuntimeConfig} is missing: build src/ReverseEtl.Worker in the same configuration");
        var config = JsonNode.Parse(File.ReadAllText(RuntimeConfig))!;
        return config["runtimeOptions"]!["configProperties"]!.AsObject();
    }
}
