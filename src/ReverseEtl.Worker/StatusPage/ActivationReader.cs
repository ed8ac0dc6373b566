using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Activation;
using ReverseEtl.Core.Running;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// Reads the tables behind the activation and overlap models (<c>account_activation</c>, <c>account_partner_overlaps</c>)
/// through the warehouse of the <c>account_onboarding</c> model's connection, and computes the view with
/// <see cref="ActivationCalculator"/>. The two queries are plain SQL that DuckDB, PostgreSQL and Snowflake run as written
/// (unquoted names, no function), so no dialect file is needed; the work is in C#, which the unit tests cover.
/// </summary>
internal sealed class ActivationReader(ProjectRuntime runtime, TimeProvider time)
{
    /// <summary>The model whose connection holds the tables.</summary>
    public const string Model = "account_onboarding";

    internal const string AccountsSql = "select account_id, account_name, signed_up_at, activated_at, is_activated, onboarding_stage, days_in_stage, model_refreshed_at from account_activation";
    internal const string OverlapsSql = "select account_id, partner_name, partner_type, partner_population, is_active from account_partner_overlaps";

    /// <summary>The view as of the tables' latest refresh (the clock's now when they have none), or null without the model.</summary>
    public async Task<ActivationReport?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!runtime.Project.Models.TryGetValue(Model, out var model))
        {
            return null;
        }

        var warehouse = runtime.Warehouse(model.Connection);
        var (accounts, overlaps, refreshed) = (new List<ActivationAccount>(), new List<PartnerOverlap>(), (DateTime?)null);
        await foreach (var r in RowsAsync(warehouse, AccountsSql, cancellationToken))
        {
            accounts.Add(new ActivationAccount(Text(r[0]), Text(r[1]), Time(r[2]), Time(r[3]), r[4] as bool?, Text(r[5]), Whole(r[6])));
            refreshed = Time(r[7]) is { } at && (refreshed is null || at > refreshed) ? at : refreshed;
        }

        await foreach (var r in RowsAsync(warehouse, OverlapsSql, cancellationToken))
        {
            overlaps.Add(new PartnerOverlap(Text(r[0]), Text(r[1]), Text(r[2]), Text(r[3]), r[4] as bool?));
        }

        return ActivationCalculator.Compute(accounts, overlaps, refreshed ?? time.GetUtcNow().UtcDateTime);
    }

    private static async IAsyncEnumerable<object?[]> RowsAsync(IWarehouse warehouse, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var result = await warehouse.QueryAsync(new WarehouseQuery(sql, "status page: activation view"), cancellationToken);
        await foreach (var row in result.ReadRowsAsync(cancellationToken))
        {
            yield return row;
        }
    }

    private static string? Text(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    private static DateTime? Time(object? value) => value switch
    {
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        DateTimeOffset t => t.UtcDateTime,
        _ => null,
    };

    private static long? Whole(object? value) => value is long or int or decimal or double ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
}
