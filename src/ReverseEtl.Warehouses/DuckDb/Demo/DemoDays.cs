using static ReverseEtl.Warehouses.DuckDb.Demo.DemoCatalog;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>
/// What happens to the demo's accounts day by day after generation, in memory: an account still onboarding moves to
/// its next stage with a chance of 40% a day, or 1% once it is stagnant by play (a)'s rule (7 days in signed_up or
/// workspace_created, 14 in a later stage), and moving past
/// first_sync_completed activates it; an account gains an overlap with a partner it has none with at a chance of 0.4%
/// a day. Every chance is drawn from <see cref="DemoDice"/> (the seed, the day since the generated refresh, the
/// account), and each day starts from the state the day before left, so a day's events depend only on that state.
/// </summary>
internal sealed class DemoDays(IReadOnlyList<DemoAccountState> accounts, Dictionary<string, HashSet<long>> overlaps)
{
    public const double MoveChance = 0.4;
    public const double StuckMoveChance = 0.01;
    public const double OverlapChance = 0.004;

    /// <summary>The accounts that moved, by id, in their state after the last day stepped.</summary>
    public Dictionary<string, DemoAccountState> Moved { get; } = new(StringComparer.Ordinal);

    public List<DemoNewOverlap> NewOverlaps { get; } = [];

    public int StageMoves { get; private set; }

    public int Activations { get; private set; }

    /// <summary>The refresh time of <paramref name="day"/> days after the generated one.</summary>
    public static DateTime RefreshOf(int day) => RefreshedAt.AddDays(day);

    public void Step(int day)
    {
        var refresh = RefreshOf(day);
        foreach (var start in accounts)
        {
            var account = Moved.GetValueOrDefault(start.Id, start);
            if (!account.Activated && account.Stage >= 0 && MovesOn(account, day, refresh))
            {
                var entered = refresh.AddHours(-DemoDice.Pick(20, "stage-hour", day, account.Id)).AddMinutes(-DemoDice.Pick(60, "stage-minute", day, account.Id));
                var stage = account.Stage + 1;
                Moved[account.Id] = account with { Stage = stage, EnteredAt = entered, Activated = stage == Stages.Length - 1 };
                StageMoves++;
                Activations += stage == Stages.Length - 1 ? 1 : 0;
            }

            if (DemoDice.Unit("overlap", day, account.Id) < OverlapChance)
            {
                AddOverlap(account.Id, day, refresh);
            }
        }
    }

    private static bool MovesOn(DemoAccountState account, int day, DateTime refresh)
    {
        var daysInStage = (refresh.Date - account.EnteredAt.Date).Days;
        var stagnant = daysInStage >= (account.Stage < 2 ? 7 : 14);
        return DemoDice.Unit("stage", day, account.Id) < (stagnant ? StuckMoveChance : MoveChance);
    }

    private void AddOverlap(string account, int day, DateTime refresh)
    {
        if (!overlaps.TryGetValue(account, out var known))
        {
            overlaps[account] = known = [];
        }

        var candidates = Partners.Where(p => !known.Contains(p.OrganizationId)).ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var partner = candidates[DemoDice.Pick(candidates.Count, "partner", day, account)];
        var u = DemoDice.Unit("rank", day, account, partner.OrganizationId);
        var rank = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
        var populations = PopulationsByPriority.Skip(rank).Take(1 + DemoDice.Pick(3 - rank, "populations", day, account, partner.OrganizationId)).ToList();
        string? owner = null;
        if (DemoDice.Unit("owner", day, account, partner.OrganizationId) < 0.8)
        {
            owner = $"{FirstNames[DemoDice.Pick(FirstNames.Length, "first", day, account, partner.OrganizationId)]} {LastNames[DemoDice.Pick(LastNames.Length, "last", day, account, partner.OrganizationId)]}";
        }

        var firstSeen = refresh.AddHours(-DemoDice.Pick(20, "seen", day, account, partner.OrganizationId));
        NewOverlaps.Add(new DemoNewOverlap(account, partner, populations, owner, firstSeen, day));
        known.Add(partner.OrganizationId);
    }
}

/// <summary>An account as the day stepping sees it: the index of its stage in <see cref="DemoCatalog.Stages"/> (-1 when not one of them).</summary>
internal sealed record DemoAccountState(string Id, int Stage, DateTime EnteredAt, bool Activated);

/// <summary>An overlap that appeared on <paramref name="Day"/>.</summary>
internal sealed record DemoNewOverlap(string AccountId, DemoPartner Partner, IReadOnlyList<string> Populations, string? OwnerName, DateTime FirstSeen, int Day)
{
    public string? OwnerEmail => OwnerName is null ? null : $"{OwnerName.Replace(' ', '.').ToLowerInvariant()}@{Partner.Domain}";
}
