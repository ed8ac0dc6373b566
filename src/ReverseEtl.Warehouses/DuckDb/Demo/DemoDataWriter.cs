using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using static ReverseEtl.Warehouses.DuckDb.Demo.DemoCatalog;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>Draws the demo accounts, their partner overlaps and users from one seeded <see cref="Random"/>, in a fixed order.</summary>
internal sealed class DemoDataWriter(DuckDBConnection connection, Random random)
{
    private static readonly DateTimeOffset Refreshed = new(RefreshedAt);

    public void Write(int accounts)
    {
        using var activation = connection.CreateAppender("account_activation");
        using var overlaps = connection.CreateAppender("account_partner_overlaps");
        using var users = connection.CreateAppender("account_users");
        for (var i = 1; i <= accounts; i++)
        {
            var account = NextAccount(i);
            WriteAccount(activation, account);
            WriteOverlaps(overlaps, account);
            WriteUsers(users, account);
        }
    }

    private DemoAccount NextAccount(int number)
    {
        var j = number - 1;
        var region = (j / (NameStems.Length * NameSuffixes.Length)) switch { 0 => string.Empty, 1 => " Europe", 2 => " Asia", _ => $" {j}" };
        var name = $"{NameStems[j % NameStems.Length]} {NameSuffixes[j / NameStems.Length % NameSuffixes.Length]}{region}";
        var signedUp = RefreshedAt.AddDays(-random.Next(3, 366)).AddMinutes(-random.Next(0, 1440));
        var csm = random.NextDouble() < 0.1 ? null : $"{Csms[random.Next(Csms.Length)]}@ourco.example";
        var account = new DemoAccount($"acc_{number:D4}", name, $"{Slug(name)}.example", csm, signedUp);
        if (random.NextDouble() < 0.45)
        {
            var activatedAt = Min(signedUp.AddDays(random.Next(1, 40)).AddHours(random.Next(0, 24)), RefreshedAt.AddHours(-1));
            return account with { Stage = Stages[^1], StageEnteredAt = activatedAt, ActivatedAt = activatedAt, Integrations = Pick(random.Next(1, 5)) };
        }

        var stuckDays = random.NextDouble() < 0.22 ? random.Next(15, 91) : random.Next(0, 14);
        var entered = Max(RefreshedAt.AddDays(-stuckDays).AddHours(-random.Next(0, 20)), signedUp);
        var stage = random.Next(0, 4);
        return account with { Stage = Stages[stage], StageEnteredAt = entered, Integrations = Pick(stage >= 2 ? random.Next(0, 3) : 0) };
    }

    private static void WriteAccount(DuckDBAppender appender, DemoAccount a) => appender.CreateRow()
        .AppendValue(a.Id).AppendValue(a.Name).AppendValue(a.Domain).Text(a.CsmEmail).AppendValue(a.Stage)
        .AppendValue(a.StageEnteredAt).AppendValue((long)(RefreshedAt.Date - a.StageEnteredAt.Date).TotalDays)
        .AppendValue(a.ActivatedAt is not null).Time(a.ActivatedAt).AppendValue(a.SignedUpAt)
        .AppendValue(new DateOnly(a.SignedUpAt.Year, a.SignedUpAt.Month, 1)).AppendValue(a.Integrations)
        .AppendValue((long)a.Integrations.Count).AppendValue(Refreshed).EndRow();

    private void WriteOverlaps(DuckDBAppender appender, DemoAccount account)
    {
        var count = random.NextDouble() switch { < 0.25 => 0, < 0.55 => 1, < 0.80 => 2, < 0.95 => 3, _ => 4 };
        foreach (var partner in Partners.OrderBy(_ => random.Next()).Take(count))
        {
            var rank = random.NextDouble() switch { < 0.5 => 0, < 0.8 => 1, _ => 2 };
            var populations = PopulationsByPriority.Skip(rank).Take(1 + random.Next(0, 3 - rank)).ToList();
            var owner = random.NextDouble() < 0.8 ? Person() : ((string Name, string Handle)?)null;
            var firstSeen = random.NextDouble() < 0.1
                ? RefreshedAt.AddDays(-random.Next(0, 5)).AddHours(-random.Next(0, 20))
                : RefreshedAt.AddDays(-random.Next(5, 240));
            var active = random.NextDouble() < 0.9;
            var lastSeen = active ? RefreshedAt.AddHours(-random.Next(0, 48)) : Max(firstSeen, RefreshedAt.AddDays(-random.Next(10, 60)));
            appender.CreateRow()
                .AppendValue(OverlapId(account.Id, partner.OrganizationId)).AppendValue(account.Id).AppendValue($"crm_{account.Id}")
                .AppendValue(partner.OrganizationId).AppendValue(partner.Name).AppendValue(partner.Domain).AppendValue(partner.Type)
                .AppendValue(populations[0]).AppendValue(populations).AppendValue("Customers")
                .Text(owner?.Name).Text(owner is null ? null : $"{owner.Value.Handle}@{partner.Domain}")
                .AppendValue(Min(firstSeen, lastSeen)).AppendValue(lastSeen).AppendValue(active).AppendValue(Refreshed).EndRow();
        }
    }

    private void WriteUsers(DuckDBAppender appender, DemoAccount account)
    {
        var count = random.Next(1, 5);
        for (var u = 1; u <= count; u++)
        {
            var person = Person();
            var signedUp = account.SignedUpAt.AddDays(u == 1 ? 0 : random.Next(0, 30));
            var lastSeen = random.NextDouble() < 0.15 ? (DateTime?)null : Min(signedUp.AddDays(random.Next(0, 200)), RefreshedAt);
            appender.CreateRow().AppendValue($"usr_{account.Id[4..]}_{u}").AppendValue(account.Id)
                .AppendValue($"{person.Handle}@{account.Domain}").AppendValue(person.Name).AppendValue(u == 1 ? "admin" : "member")
                .AppendValue(Min(signedUp, RefreshedAt)).Time(lastSeen).EndRow();
        }
    }

    private (string Name, string Handle) Person()
    {
        var (first, last) = (FirstNames[random.Next(FirstNames.Length)], LastNames[random.Next(LastNames.Length)]);
        return ($"{first} {last}", $"{first}.{last}".ToLowerInvariant());
    }

    private List<string> Pick(int count) =>
        Partners.Where(p => p.Type == "technology").OrderBy(_ => random.Next()).Take(count).Select(p => p.Slug).Order(StringComparer.Ordinal).ToList();

    private static string Slug(string name) =>
        string.Concat(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')).Replace("--", "-", StringComparison.Ordinal).Trim('-');

    // MD5 here is the dbt surrogate key of data-model.md (md5(account_id || partner_org_id)), not security.
#pragma warning disable CA5351
    private static string OverlapId(string accountId, long partner) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(accountId + partner.ToString(CultureInfo.InvariantCulture))));
#pragma warning restore CA5351

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}

internal sealed record DemoAccount(string Id, string Name, string Domain, string? CsmEmail, DateTime SignedUpAt)
{
    public string Stage { get; init; } = "signed_up";

    public DateTime StageEnteredAt { get; init; }

    public DateTime? ActivatedAt { get; init; }

    public List<string> Integrations { get; init; } = [];
}

internal static class AppenderRowExtensions
{
    public static IDuckDBAppenderRow Text(this IDuckDBAppenderRow row, string? value) =>
        value is null ? row.AppendNullValue() : row.AppendValue(value);

    public static IDuckDBAppenderRow Time(this IDuckDBAppenderRow row, DateTime? value) =>
        value is null ? row.AppendNullValue() : row.AppendValue(value.Value);
}
