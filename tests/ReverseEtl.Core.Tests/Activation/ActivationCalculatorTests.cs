using ReverseEtl.Core.Activation;

namespace ReverseEtl.Core.Tests.Activation;

// Every expected value below is worked out by hand in the comments; the data is observed at Monday 2025-03-31 00:00 UTC.
public class ActivationCalculatorTests
{
    private static readonly DateTime AsOf = At("2025-03-31T00:00");

    [Fact]
    public void Compute_AwkwardRows_CountsRatesPerWeeklyCohortAndSkipsBadRows()
    {
        var report = Compute();

        // Week of 03-03: a1, a2, a4 activated (a4 by its flag only), a3 not: 3/4. Week of 03-10: d1 of c1, d1. Week of 03-24: none of b1, b2 (b2's flag is null).
        Assert.Equal(
            ["2025-03-03: 3/4 = 0.75", "2025-03-10: 1/2 = 0.5", "2025-03-24: 0/2 = 0"],
            report.Cohorts.Select(c => $"{c.WeekStart:yyyy-MM-dd}: {c.Activated}/{c.Accounts} = {c.Rate}"));
        Assert.Equal(3, report.SkippedRows); // a1 again, no account id, no signup time
    }

    [Fact]
    public void Compute_AwkwardRows_CohortCurvesEndAtTheLastWeekEveryAccountLivedThrough()
    {
        var report = Compute();

        // 03-03 cohort, latest signup a4 03-09 12:00: weeks 0-2 observed (+21 d = 03-30 12:00). By week 0 a1 (1/4), by week 2 a2 too (16 days).
        // 03-10 cohort, latest d1 03-12: weeks 0-1; d1 activated the day before it signed up, so in week 0: 1/2.
        // 03-24 cohort: b1 + 7 d = 03-31 08:00 is after the data's time: no week yet, though it has a rate.
        Assert.Equal(
            ["2025-03-03: 0.25 0.25 0.5", "2025-03-10: 0.5 0.5", "2025-03-24: "],
            report.Cohorts.Select(c => $"{c.WeekStart:yyyy-MM-dd}: {string.Join(' ', c.Curve)}"));
    }

    [Fact]
    public void Compute_AwkwardOverlaps_CurvesForAccountsWithoutAndWithACustomerPartnerByType()
    {
        var report = Compute();

        // Without: a4 (weeks 0-2, no time), c1 (weeks 0-1), d1 (weeks 0-1, week 0); b1 and b2 are too recent.
        // Week 0: d1 of a4, c1, d1 = 0.3333; week 1 the same; week 2: a4 alone, not on any curve = 0.
        // technology: a1 (Acme; c1's Acme overlap has a null is_active, a2's is a prospect). agency: a2 (Bolt), week 2.
        // si: Cogs is inactive, so none. unknown: a3's Delta has no type; a3 never activated.
        Assert.Equal(
            ["no customer-partner overlap (5): 0.3333 0.3333 0", "customer of technology partners (1): 1 1 1",
             "customer of agency partners (1): 0 0 1", "customer of unknown partners (1): 0 0 0"],
            report.OverlapCurves.Select(c => $"{c.Label} ({c.Accounts}): {string.Join(' ', c.Curve)}"));
        Assert.Equal([null, "technology", "agency", "unknown"], report.OverlapCurves.Select(c => c.PartnerType));
    }

    [Fact]
    public void Compute_AwkwardRows_StuckLongestFirstWithTheirCustomerPartners()
    {
        var report = Compute(stuckLimit: 10);

        // Not activated with days in stage: a3 20, c1 20 (a tie, by id), b1 7 (no stage, no name); b2 has no days.
        Assert.Equal(
            ["a3 Zürich Ünïcode GmbH workspace_created 20: Delta (unknown)", "c1 Café signed_up 20: ", "b1 b1 unknown 7: "],
            report.Stuck.Select(s => $"{s.AccountId} {s.Name} {s.Stage} {s.DaysInStage}: {string.Join(", ", s.CustomerPartners)}"));
        Assert.Equal(["a3", "c1"], Compute(stuckLimit: 2).Stuck.Select(s => s.AccountId));
    }

    [Fact]
    public void Compute_NoRows_ReportsNothingAndOnlyTheEmptyBaseline()
    {
        var report = ActivationCalculator.Compute([], [], AsOf);

        Assert.Empty(report.Cohorts);
        Assert.Empty(report.Stuck);
        Assert.Equal("no customer-partner overlap: 0, ", string.Join("|", report.OverlapCurves.Select(c => $"{c.Label}: {c.Accounts}, {string.Join(' ', c.Curve)}")));
    }

    [Theory]
    [InlineData("2025-03-09T23:59", "2025-03-03")]
    [InlineData("2025-03-10T00:00", "2025-03-10")]
    [InlineData("2025-03-16T12:00", "2025-03-10")]
    public void WeekStart_AnyDay_IsThatWeeksMonday(string time, string monday) =>
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), ActivationCalculator.WeekStart(At(time)));

    private static ActivationReport Compute(int stuckLimit = 10) => ActivationCalculator.Compute(
    [
        new("a1", "Acme Customer", At("2025-03-03T10:00"), At("2025-03-05T00:00"), true, "activated", 26),
        new("a2", "", At("2025-03-04T00:00"), At("2025-03-20T00:00"), true, "activated", 11),
        new("a3", "Zürich Ünïcode GmbH", At("2025-03-06T00:00"), null, false, "workspace_created", 20),
        new("a4", "Flag Only", At("2025-03-09T12:00"), null, true, "activated", 3),
        new("a1", "Duplicate of a1", At("2025-03-24T00:00"), null, false, "signed_up", 99),
        new(null, "No id", At("2025-03-04T00:00"), null, false, "signed_up", 50),
        new("n1", "No signup", null, null, false, "signed_up", 60),
        new("c1", "Café", At("2025-03-10T09:00"), null, false, "signed_up", 20),
        new("d1", "Early stamp", At("2025-03-12T00:00"), At("2025-03-11T00:00"), true, "activated", 1),
        new("b1", null, At("2025-03-24T08:00"), null, false, null, 7),
        new("b2", new string('x', 5000), At("2025-03-25T00:00"), null, null, "signed_up", null),
    ],
    [
        new("a1", "Acme", "technology", "Customers", true),
        new("a1", "Acme", "technology", "Customers", true),
        new("a2", "Bolt", "agency", "Customers", true),
        new("a2", "Acme", "technology", "Prospects", true),
        new("a3", "Cogs", "si", "Customers", false),
        new("a3", "Delta", null, "Customers", true),
        new("c1", "Acme", "technology", "Customers", null),
        new("zz", "Ghost", "technology", "Customers", true),
        new(null, "Nobody", "si", "Customers", true),
    ],
    AsOf, stuckLimit);

    private static DateTime At(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
}
