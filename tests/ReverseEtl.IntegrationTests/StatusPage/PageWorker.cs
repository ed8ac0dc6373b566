using System.Net;
using System.Net.Sockets;
using ReverseEtl.IntegrationTests.Hosting;

namespace ReverseEtl.IntegrationTests.StatusPage;

/// <summary>The scheduled worker (<c>run</c>) as a process on the shipped config and the demo, its port on a free loopback port.</summary>
internal sealed class PageWorker : IAsyncDisposable
{
    private readonly bool _ownsProject;

    private PageWorker(TestProject project, bool ownsProject, WorkerProcess process, int port) =>
        (Project, _ownsProject, Process, Port) = (project, ownsProject, process, port);

    public TestProject Project { get; }

    public WorkerProcess Process { get; }

    public int Port { get; }

    public Uri Base => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts it and waits until its port is open; it disposes the project only when it made it (<paramref name="given"/> is null).</summary>
    public static async Task<PageWorker> StartAsync(string? uiToken, TestProject? given = null)
    {
        var project = given ?? new TestProject().WithShippedConfig();
        var port = FreePort();
        var environment = new Dictionary<string, string> { ["RETL_HEALTH_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (uiToken is not null)
        {
            environment["RETL_UI_TOKEN"] = uiToken;
        }

        var worker = new PageWorker(project, given is null, new WorkerProcess(project, environment, "run"), port);
        await worker.Process.WaitUntilAsync(() => worker.Process.Events(3010).Any());
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        if (_ownsProject)
        {
            await Project.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
