using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Core.Alerts;

/// <summary>
/// The words of each alert: the sync and the run (id, start) in every one, what happened (the error, what was held, the
/// shares rejected), and the verbs that show more or set it right.
/// </summary>
public static class AlertText
{
    /// <summary>The longest error quoted, in characters; the rest is left to <c>history</c>.</summary>
    public const int MaxError = 1500;

    public static AlertMessage For(AlertCondition condition, SyncDefinition sync, SyncRunReport report, double threshold)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(report);
        var name = sync.Name;
        var run = $"Run {report.RunId}, started {Started(report)}, ended {report.Status}: {report.Counts}.";
        return condition switch
        {
            AlertCondition.Failed => new($"Sync {name} failed", [run, $"Error: {Truncate(report.Error ?? "(no message)", MaxError, name)}"],
                $"What to do: `history --sync {name}` shows the error and the earlier runs, `failures --sync {name}` the records that failed; once the cause is fixed, `run --once --sync {name}` runs it now (or wait for its next scheduled run)."),
            AlertCondition.Recovered => new($"Sync {name} recovered", [run],
                $"Nothing to do: the sync ran to the end again after a failure. `history --sync {name}` shows the runs that failed."),
            AlertCondition.Held => new($"Sync {name} held back a plan", [run, $"Held: {Truncate(report.Error ?? "(no reason given)", MaxError, name)}", $"{report.Counts.Withheld} record(s) were not sent."],
                $"What to do: `plan --sync {name}` shows what would be sent; if that is expected, `approve --sync {name}` releases it once, for the next run; if not, fix the model (nothing of that kind is sent until then)."),
            _ => new($"Sync {name} rejected {Percent(AlertRules.RejectedShare(report.Counts))} of its records", [run, Rejections(report, threshold)],
                $"What to do: `failures --sync {name}` lists the records the destination refused, with its message; rows with a null or duplicated key are named in the run's log and by `plan --sync {name}`; `history --sync {name}` shows the runs."),
        };
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> characters at a whole character (never inside a
    /// surrogate pair or a combining sequence), saying how much was left out and where to read it.
    /// </summary>
    public static string Truncate(string text, int max, string sync)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        var cut = StringInfo.ParseCombiningCharacters(text).Last(start => start <= max);
        return $"{text[..cut]}… ({text.Length - cut} more characters: `history --sync {sync}` shows the whole error)";
    }

    private static string Rejections(SyncRunReport report, double threshold)
    {
        var c = report.Counts;
        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Rejected} of {c.RowsRead} rows rejected (a null or duplicated key); {c.Failed} of {c.Sent + c.Failed} records refused by the destination. This alert is posted past {Percent(threshold)}.");
    }

    private static string Started(SyncRunReport report) =>
        report.StartedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "(unknown)";

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share:0.#}%");
}
