using System.Diagnostics;
using System.Globalization;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>What one child process did: its exit code, wall time, peak resident memory and what it printed.</summary>
internal sealed record ChildResult(int ExitCode, TimeSpan Elapsed, long PeakRssBytes, string Output, string Error)
{
    public ChildResult EnsureSucceeded(string what) => ExitCode is 0 ? this
        : throw new InvalidOperationException($"{what} exited {ExitCode}: {Tail(Error)}{Tail(Output)}");

    /// <summary>
    /// Runs of the same command as one: the median time and the median peak (of an even count, the mean of the middle
    /// two), with the last run's exit code and output.
    /// </summary>
    public static ChildResult Median(IReadOnlyList<ChildResult> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        var times = runs.Select(r => r.Elapsed.Ticks).Order().ToList();
        var peaks = runs.Select(r => r.PeakRssBytes).Order().ToList();
        return runs[^1] with { Elapsed = TimeSpan.FromTicks(Middle(times)), PeakRssBytes = Middle(peaks) };
    }

    private static long Middle(List<long> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;
}

/// <summary>
/// Runs <c>dotnet DLL args</c> as a process, as a user would, and measures it whole: wall time from start to exit, and
/// peak RSS (native memory too, not only the managed heap) from Linux's <c>VmHWM</c>, read every 20 ms while it runs.
/// </summary>
internal static class ChildProcess
{
    public static async Task<ChildResult> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        args.ToList().ForEach(start.ArgumentList.Add);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start dotnet {dll}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var peak = 0L;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(20));
        }

        await process.WaitForExitAsync();
        clock.Stop();
        return new ChildResult(process.ExitCode, clock.Elapsed, peak, await output, await error);
    }

    // VmHWM: the process's peak resident set so far, in kB; 0 once it is gone.
    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0; // it exited between the check and the read: the last reading stands
        }
    }
}
