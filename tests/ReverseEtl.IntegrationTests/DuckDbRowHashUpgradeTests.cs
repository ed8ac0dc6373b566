using System.Globalization;
using DuckDB.NET.Data;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// Upgrading from the md5 row hash (<c>md5(to_json(row))</c>, as every DuckDB <c>diff: warehouse</c> state held before):
/// on each path (key buckets, a key of two columns, the snapshot) the first run fetches the rows once, sends nothing and moves
/// every stored row hash to the new one; the next run fetches no row.
/// </summary>
public sealed class DuckDbRowHashUpgradeTests
{
    private const string Tables = """
        create table accounts as
        select 'acc_' || lpad(cast(i as varchar), 4, '0') as account_id, 'Account ' || cast(i as varchar) as account_name,
               i % 40 as days_in_stage, [i, i + 1] as tags, {'n': i, 's': 'ü'} as info, cast(i * 0.25 as decimal(12, 2)) as amount,
               timestamp '2024-01-05 10:00:00' + to_seconds(i) as seen_at, cast('blob' || i as blob) as raw
        from generate_series(1, 300) as t(i);
        insert into accounts values ('ü-東京 🙂', 'Zoë Ødegård', 1, [], {'n': null, 's': null}, null, null, null),
            ('o''brien', null, null, null, null, null, null, null), ('acc_empty', '', 0, [0], {'n': 0, 's': ''}, 0, null, ''),
            ('acc_long', repeat('é', 10000), 3, null, null, 1.5, null, null);
        create table scores as select *, account_id = 'acc_0007' as top, cast(days_in_stage as double) / 3 as score from accounts;
        create table visits as select account_id, date '2025-01-01' + cast(coalesce(days_in_stage, 0) as integer) as visit_day, account_name, tags from accounts;
        """;

    // Every row hash moves: the new ones cover the sync's fields (RowHashSalt), those of a row with a double too.
    [Theory]
    [InlineData("by-buckets", "accounts")]
    [InlineData("by-keys", "visits")]
    [InlineData("by-snapshot", "accounts")]
    [InlineData("by-doubles", "scores")]
    public async Task Run_StateWithMd5RowHashes_OneRunRehashesAllSendsNothingThenNoRowFetched(string sync, string table)
    {
        const long rehashed = 304;
        await using var project = new TestProject().WithFile("project.yaml", Yaml);
        project.Sql("wh.duckdb", Tables);
        project.Sql("wh-rw.duckdb", Tables + "create schema retl_state;");
        var file = sync == "by-snapshot" ? "wh-rw.duckdb" : "wh.duckdb";
        var first = await project.RunAsync(sync);
        Assert.True(first.Status == RunStatus.Succeeded, first.Error);
        var requests = project.OutboxRequests("crm").Count;
        var (stored, rows) = (await RowHashesAsync(project, sync), await WarehouseHashesAsync(project, file, table, sync));
        Assert.Equal((304L, 304L), (first.Counts.Sent, (long)rows.Count));
        Assert.Equal(rows.Keys.Order(), stored.Values.Order());
        Assert.Equal(rehashed, rows.Count(r => r.Key != r.Value));

        await WriteMd5HashesAsync(project, sync, rows);
        if (sync == "by-snapshot")
        {
            project.Sql(file, "delete from retl_state.retl_snapshot"); // the next run rebuilds it from the state: the md5 hashes
        }

        var upgrade = await project.RunAsync(sync);
        var next = await project.RunAsync(sync);

        Assert.Equal((RunStatus.Succeeded, 0L, 0L, 0L, 0L), (upgrade.Status, upgrade.Counts.Added, upgrade.Counts.Changed, upgrade.Counts.Removed, upgrade.Counts.Sent));
        Assert.Equal(requests, project.OutboxRequests("crm").Count);
        Assert.Equal(stored, await RowHashesAsync(project, sync));
        Assert.Equal(rehashed, sync == "by-snapshot" ? upgrade.Counts.RowsRead : upgrade.Counts.RowsFetched);
        Assert.Equal((RunStatus.Succeeded, 0L, 0L), (next.Status, next.Counts.RowsFetched, next.Counts.Sent));
        Assert.Equal(0L, next.Counts.KeysRead); // a key of two columns too: its buckets of row hashes are as stored
        Assert.Equal(sync == "by-snapshot" ? 0L : 304L, next.Counts.RowsRead);
    }

    // Each model row's new row hash (as the worker parses it) and its md5 row hash, from the warehouse itself.
    private static async Task<Dictionary<ulong, ulong>> WarehouseHashesAsync(TestProject project, string file, string table, string sync)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.Combine(project.Paths.DataDirectory, file)}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var dialect = new Warehouses.DuckDb.DuckDbWarehouse(new Warehouses.DuckDb.DuckDbOptions(file, Demo: false));
        command.CommandText = $"select {((Abstractions.IWarehouseDialect)dialect).RowHash("t", Core.Running.RowHashSalt.Of(project.Load().Project!.Syncs[sync]))}, md5(cast(to_json(t) as varchar)) from {table} as t";
        var hashes = new Dictionary<ulong, ulong>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hashes.Add(Hex(reader.GetString(0)), Hex(reader.GetString(1)));
        }

        return hashes;
    }

    private static ulong Hex(string hex) => ulong.Parse(hex.AsSpan(0, 16), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, ulong>> RowHashesAsync(TestProject project, string sync)
    {
        var hashes = new Dictionary<string, ulong>(StringComparer.Ordinal);
        await foreach (var record in project.State.ReadRecordsAsync(sync, CancellationToken.None))
        {
            hashes.Add(record.Key, record.State.RowHash);
        }

        return hashes;
    }

    // The state as the md5 version left it: the same payload hashes and matches, the md5 row hashes.
    private static async Task WriteMd5HashesAsync(TestProject project, string sync, Dictionary<ulong, ulong> rows)
    {
        var updates = new List<StateUpdate>();
        await foreach (var record in project.State.ReadRecordsAsync(sync, CancellationToken.None))
        {
            updates.Add(new StateUpdate(record.Key, record.State with { RowHash = rows[record.State.RowHash] }));
        }

        await project.State.ApplyAsync(sync, updates, CancellationToken.None);
        var moved = await RowHashesAsync(project, sync);
        Assert.Equal(rows.Values.Order(), moved.Values.Order());
    }

    private const string Yaml = """
        version: 1
        connections:
          wh: { duckdb: { path: wh.duckdb } }
          wh-rw: { duckdb: { path: wh-rw.duckdb, snapshot: { schema: retl_state } } }
          crm: { hubspot: { token: "" } }
        models:
          accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
          accounts-rw: { connection: wh-rw, primary_key: account_id, sql: select * from accounts }
          scores: { connection: wh, primary_key: account_id, sql: select * from scores }
          visits: { connection: wh, primary_key: [account_id, visit_day], sql: select * from visits }
        syncs:
          by-buckets:
            model: accounts
            destination: crm
            mode: upsert
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage, amount: amount, seen_at: seen_at }
            hubspot: { object: companies, id_property: product_account_id }
          by-doubles:
            model: scores
            destination: crm
            mode: upsert
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, score: score, top: top }
            hubspot: { object: companies, id_property: product_account_id }
          by-keys:
            model: visits
            destination: crm
            mode: upsert
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, visit_day: visit_day }
            hubspot: { object: companies, id_property: product_account_id }
          by-snapshot:
            model: accounts-rw
            destination: crm
            mode: upsert
            diff: warehouse
            fields: { product_account_id: account_id, name: account_name, days_in_stage: days_in_stage, amount: amount, seen_at: seen_at }
            hubspot: { object: companies, id_property: product_account_id }
        """;
}
