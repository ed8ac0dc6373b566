using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// The worker as its own process (the built reverse-etl.dll), with JSON logs captured and SIGTERM sent as Kubernetes
/// sends it. Everything it prints also goes to the output of the test that started it.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;

    public WorkerProcess(TestProject project, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Program);
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["RETL_CONFIG_DIR"] = project.Paths.ConfigDirectory;
        start.Environment["RETL_DATA_DIR"] = project.Paths.DataDirectory;
        start.Environment["RETL_LOG_FORMAT"] = "json";
        start.Environment["RETL_HEALTH_PORT"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start)!;
        _output?.WriteLine($"worker {_process.Id}: dotnet {string.Join(' ', start.ArgumentList)}");
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>The worker as it was built beside this test assembly (same configuration and framework), with its own dependencies.</summary>
    public static string Program { get; } = Path.Combine(
        RepositoryPaths.Root, "src", "ReverseEtl.Worker", "bin",
        Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory))!),
        Path.GetFileName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)), "reverse-etl.dll");

    /// <summary>Every JSON log line so far.</summary>
    public ConcurrentQueue<JsonObject> Logs { get; } = new();

    /// <summary>Every line that was not JSON (command output, a crash).</summary>
    public ConcurrentQueue<string> Text { get; } = new();

    public IEnumerable<JsonObject> Events(int eventId) => Logs.Where(l => l["EventId"]?.GetValue<int>() == eventId);

    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>The exit code, or a failure naming the logs when the process did not exit in time.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the worker did not exit within {within}; last lines: {string.Join("\n", Text.TakeLast(10))}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits up to 90 s for <paramref name="condition"/>, or fails with the worker's last words.</summary>
    public async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 900 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), $"timed out; the worker said: {string.Join("\n", Text.TakeLast(10))} {string.Join("\n", Logs.TakeLast(8).Select(l => l["Message"]))}");
    }

    /// <summary>SIGKILL, as when a node dies or the kernel's OOM killer strikes: no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(); // and for the last of its output, while the test that reads it still runs
    }

    /// <summary>Waits for the exit and fails, with the worker's warnings and errors, unless it exited with code 0.</summary>
    public async Task AssertExitedCleanlyAsync(TimeSpan within)
    {
        var code = await ExitCodeAsync(within);
        var problems = Logs.Where(l => l["LogLevel"]?.GetValue<string>() is "Warning" or "Error" or "Critical")
            .Select(l => $"{l["Category"]}: {l["Message"]} {l["Exception"]}").Concat(Text);
        Assert.True(code == 0, $"the worker exited with code {code}; it said:\n{string.Join("\n", problems.TakeLast(15))}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _output?.WriteLine($"worker {_process.Id}: {line}");

        if (line.StartsWith('{') && JsonNode.Parse(line) is JsonObject json)
        {
            Logs.Enqueue(json);
            return;
        }

        Text.Enqueue(line);
    }
}
