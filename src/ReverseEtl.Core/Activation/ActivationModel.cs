namespace ReverseEtl.Core.Activation;

/// <summary>One row of the activation table (<c>account_activation</c>) as the warehouse returned it; any value may be missing.</summary>
public sealed record ActivationAccount(string? AccountId, string? Name, DateTime? SignedUpAt, DateTime? ActivatedAt, bool? IsActivated, string? Stage, long? DaysInStage);

/// <summary>One row of the overlap table (<c>account_partner_overlaps</c>); any value may be missing.</summary>
public sealed record PartnerOverlap(string? AccountId, string? PartnerName, string? PartnerType, string? Population, bool? IsActive);

/// <summary>The partner-activation view: cohorts, curves and the accounts stuck longest, as of the data's refresh time.</summary>
/// <param name="AsOf">The time the curves are observed at (the model's refresh time).</param>
/// <param name="Cohorts">Weekly signup cohorts, oldest first.</param>
/// <param name="OverlapCurves">The accounts without a customer-partner overlap, then those with one, by partner type.</param>
/// <param name="Stuck">Non-activated accounts, the longest in their stage first.</param>
/// <param name="SkippedRows">Activation rows left out: no account id, no signup time, or an account id seen before.</param>
public sealed record ActivationReport(DateTime AsOf, IReadOnlyList<SignupCohort> Cohorts, IReadOnlyList<ActivationCurve> OverlapCurves, IReadOnlyList<StuckAccount> Stuck, int SkippedRows);

/// <summary>The accounts that signed up in one week (from Monday, UTC).</summary>
/// <param name="WeekStart">The Monday of the signup week.</param>
/// <param name="Accounts">Accounts that signed up that week.</param>
/// <param name="Activated">Of those, how many are activated now.</param>
/// <param name="Curve">Share activated by the end of week 0, 1, … since signup, rounded to 4 places; a week is there once every account of the cohort has lived through it.</param>
public sealed record SignupCohort(DateOnly WeekStart, int Accounts, int Activated, IReadOnlyList<double> Curve)
{
    /// <summary>Activated accounts over accounts, rounded to 4 places.</summary>
    public double Rate => Accounts == 0 ? 0 : Math.Round((double)Activated / Accounts, 4);
}

/// <summary>Share activated by week since signup for a group of accounts, over all cohorts.</summary>
/// <param name="Label">The group, for people.</param>
/// <param name="Accounts">Accounts in the group.</param>
/// <param name="PartnerType">The partner type of the overlaps that define the group; null for the accounts without any.</param>
/// <param name="Curve">Week k counts only the accounts signed up at least k + 1 full weeks before <see cref="ActivationReport.AsOf"/>.</param>
public sealed record ActivationCurve(string Label, string? PartnerType, int Accounts, IReadOnlyList<double> Curve);

/// <summary>A non-activated account, with the partners that have it as a customer (active overlaps, population Customers).</summary>
public sealed record StuckAccount(string AccountId, string Name, string Stage, long DaysInStage, IReadOnlyList<string> CustomerPartners);
