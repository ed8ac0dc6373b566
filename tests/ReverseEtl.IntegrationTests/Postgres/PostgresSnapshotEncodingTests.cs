using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using ReverseEtl.Abstractions.State;
using ReverseEtl.IntegrationTests.Snapshot;

namespace ReverseEtl.IntegrationTests.Postgres;

/// <summary>
/// The snapshot's check by buckets in a LATIN1 warehouse: PostgreSQL sums the snapshot's keys per bucket of the key's
/// UTF-8, as the state store sums its own. A key lost from the snapshot makes its one bucket differ, and only that bucket
/// is rewritten; with the md5 of the LATIN1 bytes, every bucket holding a key with 'ü' differed as well.
/// </summary>
[Collection(UsesPostgres.Name)]
public sealed class PostgresSnapshotEncodingTests(PostgresServer server)
{
    private readonly FakeLogCollector _log = new();

    [Fact]
    public async Task Run_Latin1SnapshotMissingOneKey_OnlyItsBucketDiffersAndTheNextRunSendsNothing()
    {
        var connectionString = await server.CreateDatabaseAsync("LATIN1");
        var provider = new FakeLoggerProvider(_log);
        await using var project = new TestProject { ConfigureServices = s => s.AddLogging(l => l.AddProvider(provider).AddFilter<FakeLoggerProvider>(null, LogLevel.Debug)) }
            .WithVariable("PG", connectionString)
            .WithFile("project.yaml", SnapshotDiffTests.Yaml("""{ postgres: { connection_string: "${PG}", snapshot: { schema: retl_state } } }"""));
        await PostgresServer.ExecuteAsync(connectionString, """
            create schema retl_state;
            create table accounts as
            select case when i % 2 = 0 then 'Zürich_' else 'acc_' end || lpad(cast(i as varchar), 5, '0') as account_id,
                   case when i % 7 = 0 then null else 'Zoë ÿ ' || cast(i as varchar) end as account_name, i % 40 as days_in_stage,
                   repeat('é', i % 300) as internal_note
            from generate_series(1, 2000) as t(i);
            """);
        var first = await project.RunAsync("by-snapshot");
        await PostgresServer.ExecuteAsync(connectionString, "delete from retl_state.retl_snapshot where key_text = 'Zürich_00100'");
        _log.Clear();

        var repaired = await project.RunAsync("by-snapshot");
        var compared = Assert.Single(_log.GetSnapshot(), r => r.Id.Id == 1401).Message;
        var next = await project.RunAsync("by-snapshot");

        Assert.Equal((RunStatus.Succeeded, 2000L), (first.Status, first.Counts.Sent));
        Assert.Matches(@"checked against the state by key buckets: 1 of \d+ differ$", compared);
        Assert.Equal((RunStatus.Succeeded, 0L, RunStatus.Succeeded, 0L), (repaired.Status, repaired.Counts.Sent, next.Status, next.Counts.Sent));
    }
}
