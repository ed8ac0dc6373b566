using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Warehouses.DuckDb;

namespace ReverseEtl.IntegrationTests.Snapshot;

/// <summary>
/// The snapshot's check by buckets takes each bucket number the warehouse computes from the snapshot's keys. One outside
/// those asked for (here 2^32 above the real one) fails the run naming it, as <c>diff: worker</c>'s and
/// <c>diff: warehouse</c>'s own bucket reads do: cut to its low 32 bits, it landed in a bucket in range, where its keys
/// could compare equal with the state's and the snapshot's difference go unrepaired.
/// </summary>
public sealed class SnapshotBucketRangeTests
{
    [Fact]
    public async Task Run_SnapshotCheckGivesABucketBeyond32Bits_FailsNamingItSendsNothingStateKept()
    {
        await using var project = new TestProject { ConfigureServices = ShiftSnapshotBuckets }
            .WithFile("project.yaml", SnapshotDiffTests.Yaml("{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }"));
        project.Sql("wh.duckdb", "create schema retl_state;\n" + SnapshotDiffTests.Accounts(300) + """
            ;
            insert into accounts values ('ключ_1', 'Имя — ünïcödé', 1, 'n'), ('emoji_🙂', '', 2, null), ('long_1', repeat('y', 5000), 4, 'n'), (null, 'No key', 4, 'n')
            """);
        var first = await project.RunAsync("by-snapshot");
        var stored = await project.State.CountRecordsAsync("by-snapshot", CancellationToken.None);
        project.Sql("wh.duckdb", """
            delete from retl_state.retl_snapshot where key_text = 'acc_0007';
            update accounts set days_in_stage = 77 where account_id in ('acc_0008', 'ключ_1');
            """);

        var second = await project.RunAsync("by-snapshot");

        Assert.Equal((RunStatus.Succeeded, 303L), (first.Status, first.Counts.Sent));
        Assert.Equal((RunStatus.Failed, 0L), (second.Status, second.Counts.Sent));
        Assert.Matches(@"sync 'by-snapshot': the warehouse of connection 'wh' gave key bucket 42949\d{5}, outside 0 to \d+; ", second.Error);
        Assert.Equal(stored, await project.State.CountRecordsAsync("by-snapshot", CancellationToken.None));
    }

    // Each warehouse connector as registered (keyed by its type), the DuckDB one's warehouses wrapped.
    private static void ShiftSnapshotBuckets(IServiceCollection services)
    {
        var connectors = services.Where(d => d.ServiceType == typeof(IWarehouseConnector)).ToList();
        foreach (var unkeyed in connectors.Where(d => !d.IsKeyedService))
        {
            services.Remove(unkeyed);
        }

        foreach (var type in connectors.Where(d => d.IsKeyedService).Select(d => d.ServiceKey))
        {
            services.AddSingleton(sp => sp.GetRequiredKeyedService<IWarehouseConnector>(type) is DuckDbConnector duckDb
                ? new ShiftedConnector(duckDb)
                : sp.GetRequiredKeyedService<IWarehouseConnector>(type));
        }
    }

    private sealed class ShiftedConnector(DuckDbConnector inner) : IWarehouseConnector
    {
        public string Type => inner.Type;

        public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection) => inner.Validate(connection);

        public IWarehouse Create(ConnectionSettings connection) => new ShiftedSnapshotBuckets((DuckDbWarehouse)inner.Create(connection));
    }

    /// <summary>DuckDB as it is, but for the bucket of the snapshot table's own key column (<c>key_text</c>): 2^32 higher.</summary>
    private sealed class ShiftedSnapshotBuckets(DuckDbWarehouse inner) : IWarehouse, IWarehouseSnapshotBuckets, IWarehouseBulkWriter
    {
        public bool InProcess => inner.InProcess;

        public int MaxListItems => inner.MaxListItems;

        public string? SnapshotSchema => inner.SnapshotSchema;

        public string KeyBucket(string keyText, int bits) =>
            keyText == "key_text" ? $"({inner.KeyBucket(keyText, bits)} + 4294967296)" : inner.KeyBucket(keyText, bits);

        public Task<IWarehouseResult> QueryAsync(WarehouseQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<WarehouseColumn>> DescribeAsync(WarehouseQuery query, CancellationToken cancellationToken) => inner.DescribeAsync(query, cancellationToken);

        public string RowHash(string rowName, string salt) => inner.RowHash(rowName, salt);

        public string Literal(object? value) => inner.Literal(value);

        public string KeyText(string column) => inner.KeyText(column);

        public string SortableKey(string keyText) => ((IWarehouseDialect)inner).SortableKey(keyText);

        public string RowHashPart(string rowName, string salt) => inner.RowHashPart(rowName, salt);

        public string BucketableKey(string column) => inner.BucketableKey(column);

        public string StoredHashPart(string hexText) => inner.StoredHashPart(hexText);

        public string StoredHash(string hexText) => inner.StoredHash(hexText);

        public string? RowHashNumber(string rowName, string salt) => inner.RowHashNumber(rowName, salt);

        public Task ExecuteAsync(IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken) => inner.ExecuteAsync(statements, tag, cancellationToken);

        public Task LoadAsync(StagedRows stage, IReadOnlyList<string> statements, string tag, CancellationToken cancellationToken) => inner.LoadAsync(stage, statements, tag, cancellationToken);
    }
}
