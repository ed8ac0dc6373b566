using System.Globalization;
using System.Text;
using ReverseEtl.Core.Activation;
using static System.Net.WebUtility;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>The partner-activation part of the page: rate by cohort, velocity curves, curves with and without a customer-partner overlap, stuck accounts.</summary>
internal static class ActivationHtml
{
    /// <summary>How many of the latest cohorts (with at least one week observed) the velocity chart draws.</summary>
    public const int CohortCurves = 8;

    public static void Write(StringBuilder html, ActivationReport? report, string? problem)
    {
        html.Append("<section aria-labelledby=\"activation\"><h2 id=\"activation\">Partner activation</h2>");
        if (problem is not null || report is null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"activation-problem\">{HtmlEncode(problem ?? $"No model named {ActivationReader.Model} in config/models.yaml: its connection holds the tables this view reads (account_activation, account_partner_overlaps).")}</p></section>");
            return;
        }

        var accounts = report.Cohorts.Sum(c => c.Accounts);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{accounts} accounts, as of the models' refresh at {StatusPageHtml.Utc(new DateTimeOffset(report.AsOf))} (UTC); kept for {ActivationCache.Lifetime.TotalSeconds:0} s.{(report.SkippedRows > 0 ? $" {report.SkippedRows} row(s) left out: no account id, no signup time, or a repeated account id." : string.Empty)} Overlaps are as of that refresh too.</p>");
        html.Append("<h3>Activation rate by weekly signup cohort</h3>");
        SvgChart.Bars(html, "cohort-rates", "Activation rate by weekly signup cohort", "Share of the accounts that signed up each week (from Monday, UTC) that are activated now.",
            [.. report.Cohorts.Select(c => new SvgChart.Bar(Week(c), $"Week of {Week(c)}", c.Rate, $"{c.Activated} of {c.Accounts}"))]);
        var shown = report.Cohorts.Where(c => c.Curve.Count > 0).TakeLast(CohortCurves).ToList();
        html.Append("<h3>Activation velocity</h3>");
        SvgChart.Lines(html, "cohort-curves", $"Activation velocity of the latest {shown.Count} weekly cohorts",
            "For each signup week, the share of its accounts activated by the end of each week since signup; a week is drawn once every account of the cohort has lived through it.",
            [.. shown.Select(c => new SvgChart.Series(Week(c), $"week of {Week(c)} ({c.Accounts})", c.Curve))], ActivationCalculator.HorizonWeeks);
        html.Append("<h3>With and without a customer-partner overlap</h3>");
        SvgChart.Lines(html, "overlap-curves", "Activation velocity with and without a partner that has the account as a customer, by partner type",
            "Share activated by week since signup, over all cohorts: accounts with no active customer-partner overlap, then accounts that a partner of each type has as a customer. Week k counts the accounts signed up at least k + 1 weeks before the refresh.",
            [.. report.OverlapCurves.Select(c => new SvgChart.Series(c.PartnerType ?? "none", c.PartnerType is { } type ? $"{type} partner customer ({c.Accounts})" : $"no customer overlap ({c.Accounts})", c.Curve))], ActivationCalculator.HorizonWeeks);
        CohortTable(html, report.Cohorts);
        Stuck(html, report.Stuck);
        html.Append("</section>");
    }

    private static void CohortTable(StringBuilder html, IReadOnlyList<SignupCohort> cohorts)
    {
        html.Append("<details><summary>Cohorts as a table</summary><table id=\"cohort-table\"><thead><tr><th scope=\"col\">signup week</th><th scope=\"col\">accounts</th><th scope=\"col\">activated</th><th scope=\"col\">rate</th><th scope=\"col\">activated by week 0, 1, …</th></tr></thead><tbody>");
        foreach (var c in cohorts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Week(c)}</td><td class=\"num\">{c.Accounts}</td><td class=\"num\">{c.Activated}</td><td class=\"num\">{c.Rate:P1}</td><td>{string.Join(", ", c.Curve.Select(v => v.ToString("P0", CultureInfo.InvariantCulture)))}</td></tr>");
        }

        html.Append("</tbody></table></details>");
    }

    private static void Stuck(StringBuilder html, IReadOnlyList<StuckAccount> stuck)
    {
        html.Append("<h3>Stuck longest</h3><p class=\"note\">Accounts not activated, the longest in their stage first, with the partners that have them as customers (ask them for help).</p>");
        html.Append("<table id=\"stuck-table\"><thead><tr><th scope=\"col\">account</th><th scope=\"col\">stage</th><th scope=\"col\">days in stage</th><th scope=\"col\">partners that have it as a customer</th></tr></thead><tbody>");
        foreach (var s in stuck)
        {
            var partners = s.CustomerPartners.Count == 0 ? "none" : HtmlEncode(string.Join(", ", s.CustomerPartners));
            html.Append(CultureInfo.InvariantCulture, $"<tr data-account=\"{HtmlEncode(s.AccountId)}\"><td>{HtmlEncode(s.Name)} <code>{HtmlEncode(s.AccountId)}</code></td><td>{HtmlEncode(s.Stage)}</td><td class=\"num\">{s.DaysInStage}</td><td>{partners}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static string Week(SignupCohort cohort) => cohort.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
