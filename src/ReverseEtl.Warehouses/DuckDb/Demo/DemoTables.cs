using System.Globalization;
using DuckDB.NET.Data;
using static ReverseEtl.Warehouses.DuckDb.Demo.DemoCatalog;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>The reads and writes of <see cref="DemoTimeline"/> on the demo tables, by column name.</summary>
internal static class DemoTables
{
    public static List<DemoAccountState> Accounts(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "select account_id, onboarding_stage, stage_entered_at, is_activated from account_activation order by account_id";
        using var reader = command.ExecuteReader();
        var accounts = new List<DemoAccountState>();
        while (reader.Read())
        {
            accounts.Add(new DemoAccountState(reader.GetString(0), Array.IndexOf(Stages, reader.GetString(1)), reader.GetDateTime(2), reader.GetBoolean(3)));
        }

        return accounts;
    }

    public static Dictionary<string, HashSet<long>> Overlaps(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "select account_id, partner_organization_id from account_partner_overlaps";
        using var reader = command.ExecuteReader();
        var overlaps = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var account = reader.GetString(0);
            if (!overlaps.TryGetValue(account, out var partners))
            {
                overlaps[account] = partners = [];
            }

            partners.Add(reader.GetInt64(1));
        }

        return overlaps;
    }

    /// <summary>The account's stage and whether it is activated, or null when there is no such account.</summary>
    public static (string Stage, bool Activated)? Account(DuckDBConnection connection, string accountId)
    {
        using var command = Command(connection, "select onboarding_stage, is_activated from account_activation where account_id = $id", ("id", accountId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    public static void Move(DuckDBConnection connection, IEnumerable<DemoAccountState> moved)
    {
        foreach (var a in moved)
        {
            using var command = Command(connection, """
                update account_activation
                set onboarding_stage = $stage, stage_entered_at = $entered, is_activated = $activated,
                    activated_at = case when $activated then $entered else activated_at end
                where account_id = $id
                """, ("stage", Stages[a.Stage]), ("entered", a.EnteredAt), ("activated", a.Activated), ("id", a.Id));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Inserts the new overlaps, each last seen as many days after its first sighting as it has existed by <paramref name="lastDay"/>.</summary>
    public static void Insert(DuckDBConnection connection, IEnumerable<DemoNewOverlap> overlaps, int lastDay)
    {
        foreach (var o in overlaps)
        {
            var populations = string.Join(", ", o.Populations.Select(p => $"'{p}'"));
            using var command = Command(connection, $"""
                insert into account_partner_overlaps (
                    overlap_id, account_id, crossbeam_record_id, partner_organization_id, partner_name, partner_domain,
                    partner_type, partner_population, partner_populations, our_population, partner_account_owner_name,
                    partner_account_owner_email, overlap_first_seen_at, overlap_last_seen_at, is_active, model_refreshed_at)
                values (
                    md5($account || cast($org as varchar)), $account, 'crm_' || $account, $org, $name, $domain,
                    $type, $population, [{populations}], 'Customers', nullif($owner, ''),
                    nullif($email, ''), $first, $last, true, to_timestamp(0))
                """,
                ("account", o.AccountId), ("org", o.Partner.OrganizationId), ("name", o.Partner.Name), ("domain", o.Partner.Domain),
                ("type", o.Partner.Type), ("population", o.Populations[0]), ("owner", o.OwnerName ?? string.Empty),
                ("email", o.OwnerEmail ?? string.Empty), ("first", o.FirstSeen), ("last", o.FirstSeen.AddDays(lastDay - o.Day)));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The refresh time of both tables, and every DAYS_IN_STAGE counted to its date (UTC), as the generator counts it.</summary>
    public static void Refresh(DuckDBConnection connection, DateTime refreshedAt)
    {
        var epoch = ((long)(refreshedAt - DateTime.UnixEpoch).TotalSeconds).ToString(CultureInfo.InvariantCulture);
        Execute(connection, $"update account_activation set days_in_stage = date_diff('day', cast(stage_entered_at as date), date '{refreshedAt:yyyy-MM-dd}'), model_refreshed_at = to_timestamp({epoch})");
        Execute(connection, $"update account_partner_overlaps set model_refreshed_at = to_timestamp({epoch})");
    }

    public static void Execute(DuckDBConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    public static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return command.ExecuteScalar();
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return command;
    }
}
