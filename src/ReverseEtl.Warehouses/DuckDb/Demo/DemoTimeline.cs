using System.Globalization;
using DuckDB.NET.Data;
using ReverseEtl.Abstractions;
using static ReverseEtl.Warehouses.DuckDb.Demo.DemoCatalog;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>
/// Moves a generated demo warehouse through time after generation, as a daily dbt run would change it: the refresh
/// time moves, DAYS_IN_STAGE is counted to it again, and (unless only the clock moves) accounts move a stage or
/// activate and new partner overlaps appear (<see cref="DemoDays"/>). Also makes one account stagnant, and goes back
/// to the generated data. Each change is one transaction; a warehouse open in another process is named.
/// </summary>
public static class DemoTimeline
{
    public const int MaxDays = 3650;

    /// <summary>Moves the demo at <paramref name="path"/> forward by <paramref name="days"/> (generating it first when missing).</summary>
    public static DemoAdvanced Advance(string path, int days, bool clockOnly = false)
    {
        if (days is < 1 or > MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, $"--days must be a whole number from 1 to {MaxDays}.");
        }

        return Writing(path, () => AdvanceOpen(path, days, clockOnly));
    }

    private static DemoAdvanced AdvanceOpen(string path, int days, bool clockOnly)
    {
        using var connection = Open(path);
        var from = RefreshOf(connection);
        var first = (int)Math.Round((from - RefreshedAt).TotalDays);
        var stepped = new DemoDays(clockOnly ? [] : DemoTables.Accounts(connection), clockOnly ? [] : DemoTables.Overlaps(connection));
        for (var day = first + 1; day <= first + days; day++)
        {
            stepped.Step(day);
        }

        var to = DemoDays.RefreshOf(first + days);
        using (var transaction = connection.BeginTransaction())
        {
            DemoTables.Move(connection, stepped.Moved.Values);
            DemoTables.Execute(connection, $"update account_partner_overlaps set overlap_last_seen_at = overlap_last_seen_at + interval '{days} days' where is_active");
            DemoTables.Insert(connection, stepped.NewOverlaps, first + days);
            DemoTables.Refresh(connection, to);
            transaction.Commit();
        }

        DemoTables.Execute(connection, "checkpoint");
        return new DemoAdvanced(from, to, stepped.StageMoves, stepped.Activations, stepped.NewOverlaps.Count);
    }

    /// <summary>
    /// Makes <paramref name="accountId"/> stagnant: its stage entered 30 days before the refresh, which play (a)'s rule
    /// calls stagnant in every stage. Throws <see cref="WarehouseException"/> for an unknown or activated account.
    /// </summary>
    public static DemoStagnated Stagnate(string path, string accountId) => Writing(path, () =>
    {
        using var connection = Open(path);
        var account = DemoTables.Account(connection, accountId) ?? throw new WarehouseException(
            $"demo stagnate: there is no account '{accountId}' in the demo warehouse {path}; its accounts are {DemoTables.Scalar(connection, "select min(account_id) || ' to ' || max(account_id) from account_activation")}.");
        if (account.Activated)
        {
            throw new WarehouseException(
                $"demo stagnate: account '{accountId}' is activated, and only an account still onboarding can stagnate; pick one that is not, such as {DemoTables.Scalar(connection, "select min(account_id) from account_activation where not is_activated")}.");
        }

        var entered = RefreshOf(connection).AddDays(-30);
        DemoTables.Execute(connection, "update account_activation set stage_entered_at = $entered, days_in_stage = 30 where account_id = $id", ("entered", entered), ("id", accountId));
        DemoTables.Execute(connection, "checkpoint");
        return new DemoStagnated(accountId, account.Stage, entered, 30);
    });

    /// <summary>Replaces the demo at <paramref name="path"/> by the generated data.</summary>
    public static void Reset(string path) => Writing(path, () =>
    {
        using (var connection = Open(path))
        {
            DemoTables.Execute(connection, "checkpoint"); // only to learn that no one else has it open; closed before it is replaced
        }

        File.Delete(path);
        File.Delete($"{path}.wal");
        DemoWarehouse.Generate(path);
        return path;
    });

    // A DuckDB error while changing the demo names the file: most likely another process (or connection) has it open.
    private static T Writing<T>(string path, Func<T> change)
    {
        try
        {
            return change();
        }
        catch (DuckDBException ex)
        {
            throw new WarehouseException($"The demo warehouse {path} could not be changed (is a worker or another command using it? stop it and try again): {ex.Message}", ex);
        }
    }

    private static DuckDBConnection Open(string path)
    {
        if (!File.Exists(path))
        {
            DemoWarehouse.Generate(path);
        }

        var connection = new DuckDBConnection($"Data Source={path}");
        try
        {
            connection.Open();
            return connection;
        }
        catch (DuckDBException)
        {
            connection.Dispose();
            throw;
        }
    }

    private static DateTime RefreshOf(DuckDBConnection connection) =>
        DateTime.SpecifyKind(DateTime.UnixEpoch.AddSeconds(Convert.ToDouble(DemoTables.Scalar(connection, "select epoch(max(model_refreshed_at)) from account_activation"), CultureInfo.InvariantCulture)), DateTimeKind.Utc);
}

/// <summary>What an advance did: the refresh time before and after, and what happened in between.</summary>
public sealed record DemoAdvanced(DateTime From, DateTime To, int StageMoves, int Activations, int NewOverlaps);

/// <summary>The account made stagnant: its stage, since when, and for how many days at the refresh.</summary>
public sealed record DemoStagnated(string AccountId, string Stage, DateTime EnteredAt, long DaysInStage);
