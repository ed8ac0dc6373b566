using System.Data.Common;
using System.Text.Json;
using Dapper;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.State.Postgres;

/// <summary>The per-record log on PostgreSQL: a batch is one statement, its rows passed as one JSON array (one round trip).</summary>
public sealed partial class PostgresSyncStateStore
{
    // One statement per batch: the entries as one JSON array (objects with k, t, a, d, o, m, v, r, f), in the array's order.
    protected override async Task InsertRecordLogAsync(DbConnection connection, string sync, long runId, IReadOnlyCollection<RecordLogEntry> entries, CancellationToken cancellationToken)
    {
        var rows = JsonSerializer.Serialize(entries.Select(e => new LogRow(
            e.Key, LogTime(e), e.Action, e.Decision, e.Outcome, e.Message, e.VendorId, e.Request, e.FieldHashes)), LogRow.Json);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into record_log (sync, key, run_id, at, action, decision, outcome, message, vendor_id, request, field_hashes)
            select @sync, e.j ->> 'k', @runId, (e.j ->> 't')::timestamptz, e.j ->> 'a', e.j ->> 'd', e.j ->> 'o',
                   e.j ->> 'm', e.j ->> 'v', e.j ->> 'r', e.j ->> 'f'
            from jsonb_array_elements(@rows::jsonb) with ordinality as e(j, n)
            order by e.n
            """,
            new { sync, runId, rows }, cancellationToken: cancellationToken));
    }

    private sealed record LogRow(string K, string T, string A, string D, string O, string? M, string? V, string? R, string? F)
    {
        // Lower-case names, as the SQL reads them.
        public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    }
}
