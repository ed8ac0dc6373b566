using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>The page's frame (inline styles, no script) and its operations part: syncs, schedules, last runs, held plans, failing records.</summary>
internal static class StatusPageHtml
{
    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24;background:#fff}
        h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
        h3{font-size:1rem;margin:1.2rem 0 .3rem}p.note{color:#57606a;margin:.2rem 0 .6rem}
        table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .Succeeded{color:#1a7f37}.Failed,.Abandoned{color:#cf222e}.PartiallyFailed,.Held{color:#9a6700}
        svg.chart{width:100%;height:auto;max-width:760px;display:block;margin:.4rem 0}
        svg .grid{stroke:#d0d7de}svg .tick,svg .legend{font-size:10px;fill:#57606a}svg .axis{font-size:12px;fill:#1b1f24}
        code{font-family:ui-monospace,monospace;font-size:.9em}
        """;

    public static void Begin(StringBuilder html, DateTimeOffset now) => html.Append(CultureInfo.InvariantCulture,
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>ReverseEtl status</title><style>{Style}</style></head><body><header><h1>ReverseEtl status</h1><p class=\"note\">Read-only, as of {Utc(now)} (UTC). Reload for fresh numbers.</p></header><main>");

    public static void End(StringBuilder html) => html.Append("</main></body></html>");

    public static void Syncs(StringBuilder html, IReadOnlyList<SyncOverview> syncs)
    {
        html.Append("<section aria-labelledby=\"syncs\"><h2 id=\"syncs\">Syncs</h2><table id=\"sync-table\"><thead><tr><th scope=\"col\">sync</th><th scope=\"col\">model → destination</th><th scope=\"col\">schedule</th><th scope=\"col\">next fire (UTC)</th><th scope=\"col\">last run</th><th scope=\"col\">failing</th><th scope=\"col\">held plans</th></tr></thead><tbody>");
        foreach (var s in syncs)
        {
            var schedule = s.Sync.Schedule is { } cron ? $"<code>{HtmlEncode(cron.Cron)}</code> {HtmlEncode(cron.TimeZone)}" : "none (run --once)";
            var next = !s.Sync.Enabled ? "disabled" : s.NextFire is { } fire ? Utc(fire) : "—";
            html.Append(CultureInfo.InvariantCulture, $"<tr data-sync=\"{HtmlEncode(s.Sync.Name)}\"><th scope=\"row\">{HtmlEncode(s.Sync.Name)}</th><td>{HtmlEncode(s.Sync.Model)} → {HtmlEncode(s.Sync.Destination)} ({HtmlEncode(s.Sync.Mode.ToString())})</td><td>{schedule}</td><td>{next}</td><td>{LastRun(s)}</td><td class=\"num\">{s.LastRun?.FailingRecords ?? 0}</td><td>{Held(s)}</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    public static void Failures(StringBuilder html, IReadOnlyList<SyncOverview> syncs)
    {
        html.Append("<section aria-labelledby=\"failures\"><h2 id=\"failures\">Failing records</h2>");
        var failing = syncs.Where(s => s.FailingTotal > 0).ToList();
        if (failing.Count == 0)
        {
            html.Append("<p>No failing records.</p>");
        }

        foreach (var s in failing)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{HtmlEncode(s.Sync.Name)}: {s.FailingTotal} failing record(s){(s.FailingTotal > s.Failures.Count ? $", latest {s.Failures.Count} shown" : string.Empty)}</h3><p class=\"note\"><code>failures --sync {HtmlEncode(s.Sync.Name)}</code> lists them; <code>retry</code> or <code>skip</code> acts on them.</p>");
            html.Append("<table><thead><tr><th scope=\"col\">key</th><th scope=\"col\">state</th><th scope=\"col\">attempts</th><th scope=\"col\">last failed (UTC)</th><th scope=\"col\">vendor's message</th></tr></thead><tbody>");
            foreach (var r in s.Failures)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{HtmlEncode(r.Key)}</code></td><td>{(r.Parked ? "parked" : "retrying")}</td><td class=\"num\">{r.Attempts}</td><td>{Utc(r.LastFailedAt)}</td><td>{HtmlEncode(r.Message)}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
    }

    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string LastRun(SyncOverview s)
    {
        if (s.LastRun is not { } r)
        {
            return "never ran";
        }

        var took = r.FinishedAt is { } end ? $", {(end - r.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : ", still running or died";
        var error = r.Error is null || r.Status == "Held" ? string.Empty : $"<br>{HtmlEncode(r.Error)}";
        return $"<span class=\"{HtmlEncode(r.Status)}\">{HtmlEncode(r.Status)}</span> run {r.RunId} at {Utc(r.StartedAt)}{took}<br>{HtmlEncode(r.Counts.ToString())}{error}";
    }

    private static string Held(SyncOverview s) => s.Held.Count == 0 ? "none"
        : string.Join("<br>", s.Held.Select(h => $"{HtmlEncode(h.Kind)}: {h.Count} over the limit of {h.Limit} (run {h.RunId}): {HtmlEncode(h.Reason)}"));
}
