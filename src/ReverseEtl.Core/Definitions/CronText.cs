using Quartz;

namespace ReverseEtl.Core.Definitions;

/// <summary>
/// Reads <c>schedule.cron</c> as people write it: the five-field crontab form (minute hour day-of-month month
/// day-of-week, Sunday 0 or 7) or Quartz's six or seven fields (seconds first, Sunday 1, optional year).
/// </summary>
/// <remarks>
/// The crontab form is rewritten by Quartz itself (<see cref="CronFormat.Unix"/>: seconds 0, <c>?</c> for the day
/// field left open, days of the week renumbered), so what the scheduler holds is always Quartz's form. A bad
/// expression is explained field by field, because Quartz's own messages speak to programmers.
/// </remarks>
public static class CronText
{
    private static readonly Field[] UnixFields =
    [
        new("minute", "0-59", "0"), new("hour", "0-23", "0"), new("day-of-month", "1-31", "*"),
        new("month", "1-12 or JAN-DEC", "*"), new("day-of-week", "0-7 (0 and 7 are Sunday) or SUN-SAT", "*"),
    ];

    private static readonly Field[] QuartzFields =
    [
        new("second", "0-59", "0"), new("minute", "0-59", "0"), new("hour", "0-23", "0"),
        new("day-of-month", "1-31, L, W or ?", "?"), new("month", "1-12 or JAN-DEC", "*"),
        new("day-of-week", "1-7 (1 is Sunday), SUN-SAT, L, # or ?", "?"), new("year", "a year from 1970", "*"),
    ];

    /// <summary>The Quartz form of <paramref name="cron"/>, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static string? ToQuartz(string cron, out string? problem)
    {
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        problem = null;
        if (fields is [var macro] && macro.StartsWith('@'))
        {
            return CronExpression.TryParse(macro, out _) ? macro : Fail(cron, "is not a known macro; use @hourly, @daily, @weekly, @monthly or @yearly", out problem);
        }

        var format = fields.Length == 5 ? CronFormat.Unix : CronFormat.Quartz;
        if (fields.Length is < 5 or > 7)
        {
            return Fail(cron, $"has {fields.Length} field(s); write five (minute hour day-of-month month day-of-week) or Quartz's six or seven (second minute hour day-of-month month day-of-week [year])", out problem);
        }

        if (CronExpression.TryParse(cron, format, out var parsed))
        {
            return format == CronFormat.Unix ? parsed!.CronExpressionString : cron;
        }

        return Fail(cron, Explain(fields, format == CronFormat.Unix ? UnixFields : QuartzFields), out problem);
    }

    private static string Explain(string[] fields, Field[] layout)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (!FieldAlone(fields, layout, i))
            {
                return $"has an invalid {layout[i].Name} field '{fields[i]}': {layout[i].Name} takes {layout[i].Allowed}, with * for any, lists (1,3), ranges (1-5) and steps (*/15)";
            }
        }

        return "is not valid as a whole: in Quartz's form, set day-of-month or day-of-week to ? and the other to the days you want";
    }

    /// <summary>Whether field <paramref name="index"/> parses with every other field at its most permissive value.</summary>
    private static bool FieldAlone(string[] fields, Field[] layout, int index)
    {
        var probe = layout.Take(fields.Length).Select(f => f.Neutral).ToArray();
        probe[index] = fields[index];
        var quartz = layout == QuartzFields;
        if (quartz && index == 3)
        {
            probe[5] = "?";
        }
        else if (quartz && index == 5)
        {
            probe[3] = "?";
        }

        return CronExpression.TryParse(string.Join(' ', probe), quartz ? CronFormat.Quartz : CronFormat.Unix, out _);
    }

    private static string? Fail(string cron, string reason, out string? problem)
    {
        problem = $"'{cron}' {reason}";
        return null;
    }

    private sealed record Field(string Name, string Allowed, string Neutral);
}
