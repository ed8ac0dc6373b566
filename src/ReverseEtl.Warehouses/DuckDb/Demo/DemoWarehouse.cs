using DuckDB.NET.Data;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>
/// Writes the demo warehouse: ACCOUNT_ACTIVATION, ACCOUNT_PARTNER_OVERLAPS and ACCOUNT_USERS as in data-model.md,
/// generated from a fixed seed and a fixed refresh time, so that every run on every machine gets the same rows, then
/// two accounts with the NULLs real data has (<see cref="DemoAwkwardRows"/>).
/// </summary>
public static class DemoWarehouse
{
    public const int DefaultAccounts = 3_000;

    /// <summary>
    /// Generates into a temporary file and moves it into place, so that a crash never leaves half a warehouse and two
    /// processes generating it at once (two <c>run --once</c> on a new data folder) both end with the same one.
    /// </summary>
    public static void Generate(string path, int accounts = DefaultAccounts)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        using (var connection = new DuckDBConnection($"Data Source={temporary}"))
        {
            connection.Open();
            Execute(connection, TableDefinitions);
            new DemoDataWriter(connection, new Random(20250520)).Write(accounts);
            DemoAwkwardRows.Write(connection, accounts);
            Execute(connection, "checkpoint");
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // another process generated it first, from the same seed: the same warehouse
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The demo tables' definitions; valid DuckDB and PostgreSQL, so that the demo can be loaded into either.</summary>
    public const string TableDefinitions = """
        create table account_activation (
            account_id varchar not null primary key, account_name varchar not null, account_domain varchar,
            csm_email varchar, onboarding_stage varchar not null, stage_entered_at timestamp not null,
            days_in_stage bigint not null, is_activated boolean not null, activated_at timestamp,
            signed_up_at timestamp not null, signup_cohort date not null, integrations_adopted varchar[],
            integrations_adopted_count bigint, model_refreshed_at timestamptz not null);
        create table account_partner_overlaps (
            overlap_id varchar not null primary key, account_id varchar not null, crossbeam_record_id varchar not null,
            partner_organization_id bigint not null, partner_name varchar not null, partner_domain varchar,
            partner_type varchar, partner_population varchar not null, partner_populations varchar[],
            our_population varchar, partner_account_owner_name varchar, partner_account_owner_email varchar,
            overlap_first_seen_at timestamp not null, overlap_last_seen_at timestamp not null, is_active boolean not null,
            model_refreshed_at timestamptz not null);
        create table account_users (
            user_id varchar not null primary key, account_id varchar not null, email varchar not null,
            full_name varchar, role varchar, signed_up_at timestamp not null, last_seen_at timestamp);
        """;
}
