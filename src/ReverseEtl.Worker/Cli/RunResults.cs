using System.Globalization;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running;
using Spectre.Console;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// The results of <c>run --once</c>: on a terminal one table (sync, status, rows read, added, changed, removed, sent,
/// failed, held back, duration) with totals last and each sync's error or outbox under it; otherwise one plain line per
/// sync as it finishes, for logs and scripts.
/// </summary>
internal sealed class RunResults(CliContext cli)
{
    private readonly List<(SyncRunReport Report, TimeSpan Took)> _results = [];

    /// <summary>Whether every sync succeeded or was skipped (another process ran it).</summary>
    public bool AllSucceeded => _results.TrueForAll(r => r.Report.Status is RunStatus.Succeeded or RunStatus.Skipped);

    public void Add(SyncRunReport report, TimeSpan took)
    {
        _results.Add((report, took));
        if (!cli.IsTerminal)
        {
            cli.Output.WriteLine($"{report.Sync}: {report.Status}: {report.Counts}{(report.Error is null ? string.Empty : $" — {report.Error}")}");
            Notes(report).ForEach(n => cli.Output.WriteLine($"  {n}"));
        }
    }

    /// <summary>On a terminal, the table; otherwise nothing more (each line was written as its sync finished).</summary>
    public void Finish()
    {
        if (!cli.IsTerminal || _results.Count == 0)
        {
            return;
        }

        // A writer of its own (a test's) is no terminal: no escape codes, and room for every column.
        var own = !ReferenceEquals(cli.Output, Console.Out);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Output), Ansi = own ? AnsiSupport.No : AnsiSupport.Detect });
        if (own)
        {
            console.Profile.Width = 200;
        }

        var table = new Table().AddColumns("sync", "status", "rows read", "added", "changed", "removed", "sent", "failed", "held back", "duration");
        foreach (var (report, took) in _results)
        {
            table.AddRow(Cells(Markup.Escape(report.Sync), Status(report.Status), report.Counts, took));
        }

        var total = _results.Select(r => r.Report.Counts).Aggregate(new RunCounts(), Sum);
        table.AddRow(Cells("[bold]total[/]", string.Empty, total, TimeSpan.FromTicks(_results.Sum(r => r.Took.Ticks))));
        console.Write(table);
        foreach (var (report, _) in _results)
        {
            foreach (var note in (report.Error is null ? [] : new[] { report.Error }).Concat(Notes(report)))
            {
                console.MarkupLineInterpolated($"[bold]{report.Sync}[/]: {note}");
            }
        }
    }

    private static string[] Cells(string sync, string status, RunCounts c, TimeSpan took) =>
        [sync, status, N(c.RowsRead), N(c.Added), N(c.Changed), N(c.Removed), N(c.Sent), N(c.Failed), N(c.Withheld), $"{took.TotalSeconds:0.0} s"];

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Succeeded or RunStatus.Skipped => status.ToString(),
        RunStatus.PartiallyFailed or RunStatus.Held => $"[yellow]{status}[/]",
        _ => $"[red]{status}[/]",
    };

    private static RunCounts Sum(RunCounts a, RunCounts b) => new()
    {
        RowsRead = a.RowsRead + b.RowsRead, Added = a.Added + b.Added, Changed = a.Changed + b.Changed, Removed = a.Removed + b.Removed,
        Sent = a.Sent + b.Sent, Failed = a.Failed + b.Failed, Withheld = a.Withheld + b.Withheld,
    };

    // What a sync's line or row does not say: where a dry run wrote its requests, what was recorded without sending.
    private static List<string> Notes(SyncRunReport report)
    {
        var notes = new List<string>();
        var (failed, rejected) = (report.Counts.Failed, report.Counts.Rejected);
        if (failed > 0)
        {
            notes.Add($"{failed} record(s) failed: `failures --sync {report.Sync}` lists them and why");
        }

        if (rejected > 0)
        {
            notes.Add($"{rejected} row(s) rejected: `plan --sync {report.Sync}` shows why");
        }

        if (report.DryRunOutbox is { } outbox && report.Counts.Sent > 0)
        {
            notes.Add($"dry run (no credentials): the requests for {report.Counts.Sent} record(s) were written to {Path.GetRelativePath(Directory.GetCurrentDirectory(), outbox)}, nothing was sent");
        }

        return notes;
    }
}
