using System.Globalization;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>The last alerted state of each sync, route and condition (<see cref="IAlertStates"/>).</summary>
public abstract partial class SqlSyncStateStore
{
    public async Task<IReadOnlyList<AlertState>> LoadAlertStatesAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Route, string Condition, object Active, long RunId, object ChangedAt)>(new CommandDefinition(
            "select route, condition, active, run_id, changed_at from alert_states where sync = @sync order by route, condition",
            new { sync }, cancellationToken: cancellationToken));
        return rows.Select(r => new AlertState(r.Route, r.Condition, Convert.ToBoolean(r.Active, CultureInfo.InvariantCulture), r.RunId, ReadTime(r.ChangedAt))).ToList();
    }

    public async Task SaveAlertStateAsync(string sync, AlertState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into alert_states (sync, route, condition, active, run_id, changed_at)
            values (@Sync, @Route, @Condition, @Active, @RunId, @ChangedAt)
            on conflict (sync, route, condition) do update set active = excluded.active, run_id = excluded.run_id, changed_at = excluded.changed_at
            """,
            new { Sync = sync, state.Route, state.Condition, state.Active, state.RunId, ChangedAt = Time(state.ChangedAt) },
            cancellationToken: cancellationToken));
    }
}
