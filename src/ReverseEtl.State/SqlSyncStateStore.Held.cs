using System.Text.Json;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State;

/// <summary>Held plans and their approvals (<see cref="IHeldPlans"/>).</summary>
public abstract partial class SqlSyncStateStore
{
    private const string Waiting = "approved_at is null";
    private const string Unused = "approved_at is not null and used_by_run is null";

    public async Task RecordHeldAsync(string sync, long runId, IReadOnlyCollection<HeldPlan> plans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plans);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Time(time.GetUtcNow());
        await connection.ExecuteAsync($"delete from held_plans where sync = @sync and {Waiting}", new { sync }, transaction);
        await connection.ExecuteAsync(
            """
            insert into held_plans (sync, run_id, kind, count, limit_count, reason, samples, held_at)
            values (@Sync, @RunId, @Kind, @Count, @Limit, @Reason, @Samples, @Now)
            """,
            plans.Select(p => new { Sync = sync, RunId = runId, p.Kind, p.Count, p.Limit, p.Reason, Samples = JsonSerializer.Serialize(p.Samples), Now = now }),
            transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<HeldPlan>> LoadHeldAsync(string sync, CancellationToken cancellationToken) => HeldAsync(sync, Waiting, cancellationToken);

    public async Task<IReadOnlyList<HeldPlan>> ApproveAsync(string sync, DateTimeOffset approvedAt, CancellationToken cancellationToken)
    {
        // One statement: what it approves is exactly what it returns, even if a run records a plan meanwhile.
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, long Count, long Limit, string Reason, string Samples, long RunId)>(new CommandDefinition(
            $"update held_plans set approved_at = @at where sync = @sync and {Waiting} returning kind, count, limit_count, reason, samples, run_id",
            new { sync, at = Time(approvedAt) }, cancellationToken: cancellationToken));
        return Plans(rows.OrderBy(r => r.RunId).ThenBy(r => r.Kind, StringComparer.Ordinal));
    }

    public async Task<IReadOnlyDictionary<string, long>> LoadApprovalsAsync(string sync, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, long Count)>(new CommandDefinition(
            $"select kind, max(count) from held_plans where sync = @sync and {Unused} group by kind", new { sync }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Kind, r => r.Count, StringComparer.Ordinal);
    }

    public async Task UseApprovalsAsync(string sync, long runId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"update held_plans set used_by_run = @runId where sync = @sync and kind {KeyIn} and {Unused}",
            new { sync, runId, keys = kinds.ToArray() }, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<HeldPlan>> HeldAsync(string sync, string which, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Kind, long Count, long Limit, string Reason, string Samples, long RunId)>(new CommandDefinition(
            $"select kind, count, limit_count, reason, samples, run_id from held_plans where sync = @sync and {which} order by run_id, kind", new { sync }, cancellationToken: cancellationToken));
        return Plans(rows);
    }

    private static List<HeldPlan> Plans(IEnumerable<(string Kind, long Count, long Limit, string Reason, string Samples, long RunId)> rows) =>
        rows.Select(r => new HeldPlan(r.Kind, r.Count, r.Limit, r.Reason)
        {
            RunId = r.RunId,
            Samples = JsonSerializer.Deserialize<List<string>>(r.Samples) ?? [],
        }).ToList();
}
