using ReverseEtl.Core.Running;
using Spectre.Console;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// Progress on a terminal while <c>run --once</c> goes: one line per sync with rows read, records to send, sent, the
/// rate and the time left, and a bar once the read is done. It clears itself at the end, when the results table says
/// it all. Its runs do not log their start, progress, result, failure, held plan or skip (<see cref="RunWatch.ShowsResults"/>):
/// the display and the table with its notes say them, so nothing is printed twice; every other line (a rejected row, a
/// failed record, a retry, an alert not posted, a crash) still goes to standard error.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);
    /// <summary>Runs each sync in turn through <paramref name="run"/>, showing its progress; returns the reports in order.</summary>
    public async Task<List<(SyncRunReport Report, TimeSpan Took)>> RunAsync(IReadOnlyList<string> syncs, Func<string, RunWatch, Task<SyncRunReport>> run)
    {
        return await console.Progress().AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = syncs.Select(s => context.AddTask(Markup.Escape(s), autoStart: false)).ToList();
                var reports = new List<(SyncRunReport, TimeSpan)>();
                for (var i = 0; i < syncs.Count; i++)
                {
                    reports.Add(await FollowAsync(syncs[i], tasks[i], run));
                }

                return reports;
            });
    }

    private async Task<(SyncRunReport, TimeSpan)> FollowAsync(string sync, ProgressTask task, Func<string, RunWatch, Task<SyncRunReport>> run)
    {
        var (watch, started) = (new RunWatch { ShowsResults = true }, time.GetTimestamp());
        task.StartTask();
        task.IsIndeterminate = true;
        var running = run(sync, watch);
        while (await Task.WhenAny(running, Task.Delay(Refresh)) != running)
        {
            Show(sync, task, watch.Current);
        }

        var report = await running;
        Show(sync, task, watch.Current);
        task.Description = Markup.Escape(watch.Current is { } last ? $"{sync}: {report.Status}: {last}" : $"{sync}: {report.Status}");
        task.StopTask();
        return (report, time.GetElapsedTime(started));
    }

    private static void Show(string sync, ProgressTask task, RunProgress? progress)
    {
        if (progress is not { } now)
        {
            return;
        }

        task.Description = Markup.Escape($"{sync}: {now}");
        task.IsIndeterminate = now.Reading || now.ToSend == 0;
        task.MaxValue = Math.Max(1, now.ToSend);
        task.Value = now.Sent + now.Failed;
    }
}
