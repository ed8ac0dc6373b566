using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using ReverseEtl.Core.Running;

namespace ReverseEtl.IntegrationTests.Differential;

/// <summary>
/// A differential test of the three diffs: the same seeded model (<see cref="FuzzModel"/>) in three projects, one
/// syncing with <c>diff: worker</c>, one with <c>diff: warehouse</c> (key buckets), one with <c>diff: warehouse</c>
/// against the in-warehouse snapshot; after each round of changes each runs once, and each must end as the worker's
/// diff ends: the same status and counts, and the same records sent (in any order). A last run with nothing changed
/// sends nothing. Three seeds run by default, one per key shape; <c>RETL_DIFF_SEEDS=first-last</c> runs more.
/// </summary>
public abstract class DiffModesAgreeTests
{
    private const int Rounds = 6;

    private static readonly string[] Modes = ["worker", "warehouse", "snapshot"];

    public static TheoryData<int> Seeds()
    {
        var range = Environment.GetEnvironmentVariable("RETL_DIFF_SEEDS")?.Split('-') is [var first, var last]
            ? (int.Parse(first, System.Globalization.CultureInfo.InvariantCulture), int.Parse(last, System.Globalization.CultureInfo.InvariantCulture))
            : (9, 11);
        return [.. Enumerable.Range(range.Item1, range.Item2 - range.Item1 + 1)];
    }

    /// <summary>
    /// A project of <paramref name="yaml"/> with its warehouse's connection in place of <c>CONNECTION</c>: with the
    /// snapshot for <paramref name="mode"/> "snapshot".
    /// </summary>
    private protected abstract Task<TestProject> ProjectAsync(string mode, string yaml);

    private protected abstract Task ExecuteAsync(TestProject project, string sql);

    /// <summary>A run's error with what names its project's own warehouse (a database's name) made alike.</summary>
    private protected virtual string Alike(string? error) => error ?? string.Empty;

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Run_SeededRoundsOfAwkwardChanges_EveryDiffEndsAsTheWorkersDiff(int seed)
    {
        var model = new FuzzModel(seed);
        var projects = new List<TestProject>();
        try
        {
            foreach (var mode in Modes)
            {
                projects.Add(await ProjectAsync(mode, Yaml(model, mode)));
            }

            await CompareAsync(seed, model, projects);
        }
        finally
        {
            foreach (var project in projects)
            {
                await project.DisposeAsync();
            }
        }
    }

    private async Task CompareAsync(int seed, FuzzModel model, List<TestProject> projects)
    {
        var (sql, sent, total) = (model.Create(), new int[projects.Count], new long[4]);
        for (var round = 0; round <= Rounds; round++)
        {
            var outcomes = new List<string>();
            for (var i = 0; i < projects.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(sql))
                {
                    await ExecuteAsync(projects[i], sql);
                }

                var report = await projects[i].RunAsync("s");
                outcomes.Add(Outcome(seed, round, report with { Error = Alike(report.Error) }, projects[i], ref sent[i]));
                total = i == 0 ? [total[0] + report.Counts.Added, total[1] + report.Counts.Changed, total[2] + report.Counts.Removed, total[3] + report.Counts.Rejected] : total;
            }

            Assert.Equal(outcomes[0], outcomes[1]); // diff: warehouse
            Assert.Equal(outcomes[0], outcomes[2]); // its snapshot
            sql = round == Rounds - 1 ? string.Empty : model.Mutate();
            if (round == Rounds)
            {
                Assert.Contains(" sent 0 ", outcomes[0], StringComparison.Ordinal); // nothing changed: nothing sent
            }
        }

        // Not vacuous: rows were added, changed or removed, and rejected.
        Assert.True(total[0] > 0 && total[1] + total[2] > 0 && total[3] > 0, $"seed {seed}: added, changed, removed, rejected: {string.Join(", ", total)}");
    }

    // What a run did, for comparing: its status and counts, then each record it sent (the outbox's new lines), sorted.
    private static string Outcome(int seed, int round, SyncRunReport report, TestProject project, ref int seen)
    {
        var c = report.Counts;
        var text = new StringBuilder($"seed {seed}, round {round}: {report.Status} added {c.Added} changed {c.Changed} removed {c.Removed} rejected {c.Rejected} sent {c.Sent} failed {c.Failed} {report.Error}\n");
        var outbox = Path.Combine(project.Paths.OutboxDirectory, "hubspot.jsonl");
        var lines = File.Exists(outbox) ? project.OutboxRequests("hubspot") : [];
        var records = lines.Skip(seen).SelectMany(Records).Order(StringComparer.Ordinal);
        seen = lines.Count;
        return text.AppendJoin('\n', records).ToString();
    }

    private static IEnumerable<string> Records(string line)
    {
        var request = JsonNode.Parse(line)!;
        var path = request["path"]?.ToString() ?? request["url"]?.ToString() ?? string.Empty;
        return request["body"]?["inputs"] is JsonArray inputs ? inputs.Select(i => $"{path} {i!.ToJsonString()}") : [$"{path} {request["body"]?.ToJsonString()}"];
    }

    private static string Yaml(FuzzModel model, string mode) => $$"""
        version: 1
        connections:
          wh: CONNECTION
          hubspot: { hubspot: { token: "" } }
        models:
          m: { connection: wh, primary_key: [{{string.Join(", ", model.PrimaryKey)}}], sql: "select m.*, {{(model.Shape == 2 ? "k1 || '|' || k2" : "cast(k1 as varchar)")}} as pid from m" }
        syncs:
          s:
            model: m
            destination: hubspot
            mode: mirror
            delete_limit_percent: 100
            {{(mode == "worker" ? string.Empty : "diff: warehouse")}}
            fields: { product_account_id: pid, name: name, days_in_stage: days }
            hubspot: { object: companies, id_property: product_account_id }
        """;
}

public sealed class DiffModesAgreeOnDuckDbTests : DiffModesAgreeTests
{
    private protected override Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var connection = mode == "snapshot" ? "{ duckdb: { path: wh.duckdb, snapshot: { schema: retl_state } } }" : "{ duckdb: { path: wh.duckdb } }";
        var project = new TestProject().WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal));
        project.Sql("wh.duckdb", "create schema retl_state");
        return Task.FromResult(project);
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }
}

[Collection(Postgres.UsesPostgres.Name)]
public sealed class DiffModesAgreeOnPostgresTests(Postgres.PostgresServer server) : DiffModesAgreeTests, IDisposable
{
    private readonly Dictionary<TestProject, string> _databases = [];

    private protected override async Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var database = await server.CreateDatabaseAsync();
        var connection = mode == "snapshot" ? """{ postgres: { connection_string: "${PG}", snapshot: { schema: retl_state } } }""" : """{ postgres: { connection_string: "${PG}" } }""";
        var project = new TestProject().WithVariable("PG", database).WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal));
        _databases[project] = database;
        await Postgres.PostgresServer.ExecuteAsync(database, "create schema retl_state");
        return project;
    }

    private protected override Task ExecuteAsync(TestProject project, string sql) => Postgres.PostgresServer.ExecuteAsync(_databases[project], sql);

    private protected override string Alike(string? error) => Regex.Replace(error ?? string.Empty, "retl_test_[0-9]+", "retl_test_N");

    // Each seed makes three databases, and Npgsql keeps idle connections to each: many seeds would exhaust the server's.
    public void Dispose() => Npgsql.NpgsqlConnection.ClearAllPools();
}

/// <summary>The same through Snowflake's SQL API served by WireMock and answered from each project's DuckDB file.</summary>
public sealed class DiffModesAgreeOnSnowflakeTests : DiffModesAgreeTests, IDisposable
{
    private readonly List<Snowflake.SnowflakeOnDuckDb> _servers = [];

    private protected override Task<TestProject> ProjectAsync(string mode, string yaml)
    {
        var project = new TestProject();
        var server = new Snowflake.SnowflakeOnDuckDb(Path.Combine(project.Paths.DataDirectory, "wh.duckdb"), []);
        _servers.Add(server);
        project.Sql("wh.duckdb", "create schema retl_state");
        var connection = $$"""{ snowflake: { account: myorg-myaccount, token: pat-secret, base_url: "{{server.Url}}"{{(mode == "snapshot" ? ", snapshot: { schema: retl_state }" : string.Empty)}} } }""";
        return Task.FromResult(project.WithFile("project.yaml", yaml.Replace("CONNECTION", connection, StringComparison.Ordinal)));
    }

    private protected override Task ExecuteAsync(TestProject project, string sql)
    {
        project.Sql("wh.duckdb", sql);
        return Task.CompletedTask;
    }

    public void Dispose() => _servers.ForEach(s => s.Dispose());
}
