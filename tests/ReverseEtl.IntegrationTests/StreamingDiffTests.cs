using Microsoft.Extensions.Logging.Abstractions;
using ReverseEtl.Core.Diff;
using ReverseEtl.Core.Running;
using ReverseEtl.IntegrationTests.Postgres;

namespace ReverseEtl.IntegrationTests;

/// <summary>
/// The worker's streaming diff (model rows ordered by the key's text, merged with the state streamed in key order)
/// gives exactly the events of the diff against the state in memory, on each warehouse, with awkward keys (non-ASCII,
/// an emoji against U+FFFD, "9" against "10", case, duplicates, nulls, empty strings) and awkward values.
/// </summary>
public abstract class StreamingDiffTests
{
    private protected abstract Task<TestProject> ProjectAsync();

    private protected abstract Task ExecuteAsync(TestProject project, string sql);

    /// <summary>Whether the warehouse reports whole-number columns as a type that streams (Snowflake's FIXED may have a scale: it does not).</summary>
    private protected virtual bool NumbersStream => true;

    [Fact]
    public async Task Read_AwkwardTextKeysAfterChanges_StreamsAndGivesTheEventsOfTheDiffInMemory()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts (k varchar, n bigint, note varchar, amount decimal(12, 2), day date, happened timestamp);
            insert into accounts values
              ('9', 9, 'nine', 9.50, date '2025-01-09', timestamp '2025-01-09 10:00:00'),
              ('10', 10, 'ten', 10.00, date '2025-01-10', timestamp '2025-01-10 10:00:00.123456'),
              ('a', 1, '', -0.01, null, null),
              ('A', 2, null, 0, date '0001-01-01', timestamp '1970-01-01 00:00:00'),
              ('é', 3, 'Zoë 東京', 1, date '2025-05-02', timestamp '2025-05-02 14:03:11'),
              ('😀', 4, 'emoji', 2, date '2025-05-03', timestamp '2025-05-03 00:00:00'),
              ('�', 5, 'replacement character', 3, date '2025-05-04', timestamp '2025-05-04 00:00:00'),
              ('東京', 6, repeat('長い', 3000), 4, date '2025-05-05', timestamp '2025-05-05 00:00:00'),
              ('dup', 7, 'first', 5, null, null),
              ('gone', 8, 'removed later', 6, null, null),
              ('Zz', 11, 'case', 7, null, null),
              ('', 12, 'empty key', 8, null, null),
              (null, 13, 'null key', 9, null, null);
            """);
        var first = await project.RunAsync("by-text");
        Assert.Equal((11L, 2L), (first.Counts.Sent, first.Counts.Rejected));

        await ExecuteAsync(project, """
            update accounts set note = 'changed' where k in ('10', '😀');
            update accounts set amount = 9.51 where k = '9';
            delete from accounts where k = 'gone';
            insert into accounts values ('dup', 70, 'second', 5, null, null), ('ß', 14, 'new', 1, null, null), ('Ω', 15, 'new', 1, null, null), ('0', 0, 'new', 0, null, null);
            """);

        var (streamed, inMemory, didStream) = await BothWaysAsync(project, "by-text");

        Assert.True(didStream);
        Assert.Equal(inMemory, streamed);
        Assert.Equal(
            ["0 Added", "10 Changed", "9 Changed", "gone Removed", "rejected dup", "rejected dup", "rejected null", "rejected null", "ß Added", "Ω Added", "😀 Changed"],
            streamed.Select(e => string.Join(' ', e.Split(' ').Take(2))));
    }

    [Fact]
    public async Task Read_WholeNumberKeys_NineAndTenInTheStateOrder_SameEventsAsInMemory()
    {
        await using var project = await ProjectAsync();
        await ExecuteAsync(project, """
            create table accounts (k bigint, n bigint, note varchar, amount decimal(12, 2), day date, happened timestamp);
            insert into accounts select i, i, 'row ' || cast(i as varchar), i / 100.0, null, null from generate_series(-20, 120) as t(i);
            """);
        await project.RunAsync("by-number");
        await ExecuteAsync(project, "update accounts set note = 'changed' where k in (-3, 9, 10, 99, 100); delete from accounts where k in (-20, 0, 11, 120); insert into accounts values (1000, 1, 'new', 0, null, null), (-1000, 1, 'new', 0, null, null)");

        var (streamed, inMemory, didStream) = await BothWaysAsync(project, "by-number");

        Assert.Equal(NumbersStream, didStream);
        Assert.Equal(inMemory, streamed);
        Assert.Equal(5 + 4 + 2, streamed.Count);
    }

    // Each read's events as text, sorted (removals come in key order streamed, in the state's order in memory).
    private static async Task<(List<string> Streamed, List<string> InMemory, bool DidStream)> BothWaysAsync(TestProject project, string sync)
    {
        await using var runtime = project.Runtime();
        var definition = runtime.Project.Syncs[sync];
        var streamed = new ChangeSource(new SyncRunContext(runtime, definition, await SavedState.LoadAsync(project.State, sync, CancellationToken.None), NullLogger.Instance));
        var inMemory = new ChangeSource(new SyncRunContext(runtime, definition, await SavedState.LoadAsync(project.State, sync, CancellationToken.None), NullLogger.Instance)) { MayStream = false };
        var events = (await Events(streamed), await Events(inMemory));
        Assert.False(inMemory.Streamed);
        return (events.Item1, events.Item2, streamed.Streamed);
    }

    private static async Task<List<string>> Events(ChangeSource source)
    {
        var texts = new List<string>();
        await foreach (var e in source.ReadAsync(CancellationToken.None))
        {
            texts.Add(e switch
            {
                RowRejected r => $"rejected {r.Key ?? "null"} {r.RowNumber} {r.Reason}",
                // Not a changed row's number: read again by buckets (WorkerBuckets), some rows are numbered in that read
                // only. A number is only ever shown for a rejected row, and those are numbered as among all rows.
                RowChange c => $"{c.Key} {c.Kind} {c.WasMatching} {c.IsMatching} {c.Row?.Hash} {(c.Row is { } row ? PayloadJson.Hash(row.Payload) : 0)}",
                _ => e.GetType().Name,
            });
        }

        return texts.Order(StringComparer.Ordinal).ToList();
    }

    protected static string Yaml(string warehouseConnection) => $$"""
        version: 1
        connections:
          wh: {{warehouseConnection}}
          text: { hubspot: { token: "" } }
          number: { hubspot: { token: "" } }
        models:
          by_text: { connection: wh, primary_key: k, sql: select * from accounts }
          by_number: { connection: wh, primary_key: k, sql: select * from accounts }
        syncs:
          by-text:
            model: by_text
            destination: text
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: k, n: n, name: note, amount: amount, day: day, at: happened }
            hubspot: { object: companies, id_property: product_account_id }
          by-number:
            model: by_number
            destination: number
            mode: mirror
            delete_limit_percent: 50
            fields: { product_account_id: k, name: note, amount: amount }
            hubspot: { object: companies, id_property: product_account_id }
        """;
}

public sealed class StreamingDiffOnDuckDbTests : StreamingDiffTests
{
    private protected override Task<TestProject> ProjectAsync() =>
        Task.FromResult(new TestProject().WithFile("project.yaml", Yaml("{ duckdb: { path: wh.duckdb, memory_limit: 32MB, temp_directory: spill } }")));

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }
}

[Collection(UsesPostgres.Name)]
public sealed class StreamingDiffOnPostgresTests(PostgresServer server) : StreamingDiffTests
{
    private string _connectionString = string.Empty;

    private protected override async Task<TestProject> ProjectAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return new TestProject().WithVariable("PG", _connectionString).WithFile("project.yaml", Yaml("""{ postgres: { connection_string: "${PG}" } }"""));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql) => PostgresServer.ExecuteAsync(_connectionString, sql);
}

/// <summary>The same, reading Snowflake's SQL API served by WireMock and answered from a DuckDB file.</summary>
public sealed class StreamingDiffOnSnowflakeTests : StreamingDiffTests, IDisposable
{
    private Snowflake.SnowflakeOnDuckDb? _snowflake;

    private protected override bool NumbersStream => false;

    private protected override Task<TestProject> ProjectAsync()
    {
        var project = new TestProject();
        _snowflake = new Snowflake.SnowflakeOnDuckDb(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), []);
        return Task.FromResult(project.WithFile("project.yaml", Yaml($$"""{ snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{_snowflake.Url}}" } }""")));
    }

    // The stand-in reads a decimal's scale from DuckDB's type name, which DuckDB.NET gives without it: amounts are doubles here.
    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql.Replace("decimal(12, 2)", "double", StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    public void Dispose() => _snowflake?.Dispose();
}
