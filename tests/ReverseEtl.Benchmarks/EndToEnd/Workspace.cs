using System.Globalization;
using DuckDB.NET.Data;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// A folder with a config and a DuckDB warehouse of <c>rows</c> accounts (9 columns, a key and a 40-odd byte note),
/// plus <c>accounts_prev</c>, a copy kept to compare against with DuckDB's own <c>EXCEPT</c>.
/// </summary>
internal sealed class Workspace(string root)
{
    public const string Database = "bench.duckdb";

    public string Root => root;

    public string ConfigDirectory => Path.Combine(root, "config");

    public string DataDirectory => Path.Combine(root, "data");

    public string DatabasePath => Path.Combine(DataDirectory, Database);

    private string Outbox => Path.Combine(DataDirectory, "outbox");

    public IReadOnlyDictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["RETL_CONFIG_DIR"] = ConfigDirectory, ["RETL_DATA_DIR"] = DataDirectory, ["RETL_LOG_FORMAT"] = "json", ["RETL_HEALTH_PORT"] = "0",
        };
        more.ToList().ForEach(v => variables[v.Name] = v.Value);
        return variables;
    }

    /// <summary>A fresh folder: the project file and the generated tables.</summary>
    public void Create(long rows, string project)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(ConfigDirectory);
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(Path.Combine(ConfigDirectory, "project.yaml"), project);
        Sql(string.Create(CultureInfo.InvariantCulture, $"""
            create table accounts as
            select 'acc_' || lpad(i::varchar, 8, '0') as account_id,
                   'Account ' || i as account_name,
                   ['signed_up', 'workspace_created', 'integrated', 'live'][1 + i % 4] as onboarding_stage,
                   (i % 40)::integer as days_in_stage,
                   i % 3 = 0 as is_activated,
                   timestamp '2025-05-01' + to_minutes(i) as stage_entered_at,
                   'csm' || (i % 50) || '@example.com' as csm_email,
                   'C' || lpad((i % 5)::varchar, 8, '0') as channel,
                   repeat('x', 32) || ' note ' || i as notes
            from range({rows}) t(i);
            create table accounts_prev as select * from accounts;
            create schema retl_state;
            """));
    }

    /// <summary>The dry-run outbox's files and their sizes so far.</summary>
    public Dictionary<string, long> OutboxSizes() =>
        Directory.Exists(Outbox) ? Directory.EnumerateFiles(Outbox).ToDictionary(f => f, f => new FileInfo(f).Length, StringComparer.Ordinal) : [];

    /// <summary>The requests written to the dry-run outbox since <paramref name="sizes"/>: its lines after those sizes, one a request.</summary>
    public long OutboxRequestsSince(Dictionary<string, long> sizes)
    {
        var (lines, buffer) = (0L, new byte[1 << 16]);
        foreach (var (file, size) in OutboxSizes())
        {
            using var stream = File.OpenRead(file);
            stream.Seek(Math.Min(sizes.GetValueOrDefault(file), size), SeekOrigin.Begin);
            for (var read = stream.Read(buffer); read > 0; read = stream.Read(buffer))
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }

        return lines;
    }

    /// <summary>Changes the note of one row in <paramref name="every"/> (1% for 100); returns how many changed.</summary>
    public long Change(int every) => Scalar(string.Create(CultureInfo.InvariantCulture,
        $"update accounts set notes = notes || ' changed' where cast(substr(account_id, 5) as bigint) % {every} = 7; select count(*) from accounts where notes like '% changed'"));

    /// <summary>The average bytes of a whole row and of a key with a 16-byte hash, as a warehouse would send them.</summary>
    public (double Row, double KeyAndHash) Widths()
    {
        var row = Scalar<double>("select avg(strlen(account_id) + strlen(account_name) + strlen(onboarding_stage) + 4 + 1 + 8 + strlen(csm_email) + strlen(channel) + strlen(notes)) from accounts");
        var key = Scalar<double>("select avg(strlen(account_id)) from accounts");
        return (row, key + 16);
    }

    private void Sql(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql) => Convert.ToInt64(Scalar<object>(sql), CultureInfo.InvariantCulture);

    private T Scalar<T>(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }
}
