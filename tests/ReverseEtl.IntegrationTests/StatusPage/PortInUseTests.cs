using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ReverseEtl.IntegrationTests.StatusPage;

/// <summary>A worker whose port is taken says so in one line naming the setting, not as an internal error.</summary>
public sealed class PortInUseTests
{
    [Fact]
    public async Task Run_PortTakenByAnotherProcess_OneLineNamingRetlHealthPort()
    {
        using var other = new TcpListener(IPAddress.Any, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_HEALTH_PORT", port);

        var run = await project.CliAsync("run");

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"Cannot listen on port {port} (RETL_HEALTH_PORT): another process uses it. Stop that process, or set RETL_HEALTH_PORT to a free port (0: no port, no health, metrics or status page).", line.TrimEnd());
    }
}
