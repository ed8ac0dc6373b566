using Microsoft.Extensions.Logging;
using ReverseEtl.Core.Running;
using Spectre.Console;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// Progress on a terminal while <c>run --once</c> goes: one line per sync with rows read, records to send, sent, the
/// rate and the time left, and a bar once the read is done. It clears itself at the end, when the results table says
/// it all. While it shows, the run pipeline's own log lines stay off the console (a line written under a live display
/// garbles it, and the table and its notes say the same: results, errors, held plans, where to find failing records),
/// so nothing is printed twice; a defect's stack trace (critical) and other parts' lines, such as retries, still show.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, TimeProvider time)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);
    private static volatile bool s_showing;

    /// <summary>For the console logger, of a run pipeline's line (category <see cref="SyncRunner"/>): whether the display shows it instead.</summary>
    public static bool Hides(LogLevel level) => s_showing && level < LogLevel.Critical;

    /// <summary>Runs each sync in turn through <paramref name="run"/>, showing its progress; returns the reports in order.</summary>
    public async Task<List<(SyncRunReport Report, TimeSpan Took)>> RunAsync(IReadOnlyList<string> syncs, Func<string, RunWatch, Task<SyncRunReport>> run)
    {
        s_showing = true;
        try
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
        finally
        {
            s_showing = false;
        }
    }

    private async Task<(SyncRunReport, TimeSpan)> FollowAsync(string sync, ProgressTask task, Func<string, RunWatch, Task<SyncRunReport>> run)
    {
        var (watch, started) = (new RunWatch(), time.GetTimestamp());
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
