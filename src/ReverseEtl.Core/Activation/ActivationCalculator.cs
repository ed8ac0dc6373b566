namespace ReverseEtl.Core.Activation;

/// <summary>
/// Computes the partner-activation view from the rows of the activation and overlap tables. Pure: no I/O, no clock.
/// An account counts as activated when it has an activation time or its flag says so; one without a time is in the
/// rates but on no curve (when it activated is unknown). Rows without an account id or a signup time, and repeats of
/// an account id (the first row stands), are left out and counted. An overlap counts when it is active and its
/// partner population is <c>Customers</c>, as in the shipped models.
/// </summary>
public static class ActivationCalculator
{
    /// <summary>The last week since signup that the curves show.</summary>
    public const int HorizonWeeks = 12;

    private const string Customers = "Customers";
    private static readonly string[] TypeOrder = ["technology", "si", "agency", "unknown"];

    public static ActivationReport Compute(IEnumerable<ActivationAccount> rows, IEnumerable<PartnerOverlap> overlaps, DateTime asOf, int stuckLimit = 10)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(overlaps);
        var (accounts, skipped) = Distinct(rows);
        var partners = CustomerPartners(overlaps, accounts);
        var cohorts = accounts.Values.GroupBy(a => WeekStart(a.SignedUp)).OrderBy(g => g.Key)
            .Select(g => new SignupCohort(g.Key, g.Count(), g.Count(a => a.Activated), CohortCurve([.. g], asOf))).ToList();
        var stuck = accounts.Values.Where(a => !a.Activated && a.Row.DaysInStage is not null)
            .OrderByDescending(a => a.Row.DaysInStage).ThenBy(a => a.Id, StringComparer.Ordinal).Take(stuckLimit)
            .Select(a => new StuckAccount(a.Id, a.Row.Name ?? a.Id, a.Row.Stage ?? "unknown", a.Row.DaysInStage!.Value,
                [.. partners.GetValueOrDefault(a.Id, []).Select(p => $"{p.Name} ({p.Type})")]))
            .ToList();
        return new ActivationReport(asOf, cohorts, OverlapCurves(accounts, partners, asOf), stuck, skipped);
    }

    /// <summary>The Monday (UTC) of the week holding <paramref name="time"/>.</summary>
    public static DateOnly WeekStart(DateTime time)
    {
        var day = DateOnly.FromDateTime(time);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static (Dictionary<string, Signup> Accounts, int Skipped) Distinct(IEnumerable<ActivationAccount> rows)
    {
        var accounts = new Dictionary<string, Signup>(StringComparer.Ordinal);
        var skipped = 0;
        foreach (var row in rows)
        {
            if (string.IsNullOrWhiteSpace(row.AccountId) || row.SignedUpAt is not { } signedUp || !accounts.TryAdd(row.AccountId, new Signup(row.AccountId, signedUp, row)))
            {
                skipped++;
            }
        }

        return (accounts, skipped);
    }

    private static Dictionary<string, List<(string Name, string Type)>> CustomerPartners(IEnumerable<PartnerOverlap> overlaps, Dictionary<string, Signup> accounts) =>
        overlaps.Where(o => o.IsActive == true && o.Population == Customers && o.AccountId is not null && accounts.ContainsKey(o.AccountId))
            .Select(o => (Account: o.AccountId!, Name: o.PartnerName ?? "unnamed partner", Type: string.IsNullOrWhiteSpace(o.PartnerType) ? "unknown" : o.PartnerType))
            .Distinct()
            .GroupBy(o => o.Account, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(o => (o.Name, o.Type)).OrderBy(p => TypeRank(p.Type)).ThenBy(p => p.Type, StringComparer.Ordinal)
                .ThenBy(p => p.Name, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    private static List<ActivationCurve> OverlapCurves(Dictionary<string, Signup> accounts, Dictionary<string, List<(string Name, string Type)>> partners, DateTime asOf)
    {
        var without = accounts.Values.Where(a => !partners.ContainsKey(a.Id)).ToList();
        var curves = new List<ActivationCurve> { new("no customer-partner overlap", null, without.Count, PooledCurve(without, asOf)) };
        foreach (var type in partners.Values.SelectMany(p => p).Select(p => p.Type).Distinct().OrderBy(TypeRank).ThenBy(t => t, StringComparer.Ordinal))
        {
            var with = accounts.Values.Where(a => partners.TryGetValue(a.Id, out var p) && p.Exists(x => x.Type == type)).ToList();
            curves.Add(new ActivationCurve($"customer of {type} partners", type, with.Count, PooledCurve(with, asOf)));
        }

        return curves;
    }

    // Week k appears once the cohort's latest signup is k + 1 full weeks old.
    private static List<double> CohortCurve(List<Signup> cohort, DateTime asOf)
    {
        var latest = cohort.Max(a => a.SignedUp);
        return [.. Weeks().TakeWhile(k => Observed(latest, k, asOf)).Select(k => Share(cohort.Count(a => a.ActivatedBy(k)), cohort.Count))];
    }

    // Week k counts the accounts signed up at least k + 1 full weeks ago; it ends when none is.
    private static List<double> PooledCurve(List<Signup> group, DateTime asOf)
    {
        var curve = new List<double>();
        foreach (var k in Weeks())
        {
            var observed = group.Where(a => Observed(a.SignedUp, k, asOf)).ToList();
            if (observed.Count == 0)
            {
                break;
            }

            curve.Add(Share(observed.Count(a => a.ActivatedBy(k)), observed.Count));
        }

        return curve;
    }

    private static IEnumerable<int> Weeks() => Enumerable.Range(0, HorizonWeeks + 1);

    private static bool Observed(DateTime signedUp, int week, DateTime asOf) => signedUp.AddDays(7 * (week + 1)) <= asOf;

    private static double Share(int part, int whole) => Math.Round((double)part / whole, 4);

    private static int TypeRank(string type) => Array.IndexOf(TypeOrder, type) is var i and >= 0 ? i : TypeOrder.Length;

    private sealed record Signup(string Id, DateTime SignedUp, ActivationAccount Row)
    {
        public bool Activated => Row.ActivatedAt is not null || Row.IsActivated == true;

        // Whole weeks from signup to activation; an activation stamped before the signup counts in week 0.
        public bool ActivatedBy(int week) => Row.ActivatedAt is { } at && Math.Max(0, (int)Math.Floor((at - SignedUp).TotalDays / 7)) <= week;
    }
}
