using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// The <c>duckdb</c> connection section: <c>path</c> (relative to the data directory) and <c>demo</c>. Files a model
/// reads (<c>read_parquet('x.parquet')</c>, <c>read_csv('x.csv')</c>) are also found relative to the data directory.
/// <c>memory_limit</c>, <c>threads</c> and <c>temp_directory</c> bound DuckDB's memory: a larger sort or join spills there.
/// </summary>
public sealed record DuckDbOptions(string Path, bool Demo)
{
    /// <summary>
    /// DuckDB's memory for a query when the connection sets no <c>memory_limit</c>: 48MB a thread at first, where a
    /// 1M-row model sorts as fast as within 96MB and the process peaks about 47 MiB lower. A statement that runs out of
    /// memory there (<c>read_csv</c> takes about 92MB, whatever the file's size) runs again within twice as much, which
    /// then holds for the file in this process.
    /// </summary>
    public const int DefaultMegabytesPerThread = 48;

    /// <summary>
    /// The same for a connection that keeps a snapshot: its diff joins the model with the snapshot table, which took
    /// 0.4–0.5 s longer within 48MB than within 96MB at 1M rows (whole runs of 2.3–2.4 s).
    /// </summary>
    public const int SnapshotMegabytesPerThread = 96;

    /// <summary>Where relative file names in a model's SQL are looked up.</summary>
    public string FileSearchPath { get; init; } = string.Empty;

    /// <summary>DuckDB's <c>memory_limit</c> per query as the connection sets it (e.g. <c>128MB</c>, <c>1GB</c>); null: the default (<see cref="StartingMemoryLimit"/>).</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>The limit statements run within at first: the connection's, else the default for its threads.</summary>
    public string StartingMemoryLimit => MemoryLimit ?? Megabytes(DefaultPerThread * Threads);

    /// <summary>The default limit once raised, twice the first; null where the connection sets its own.</summary>
    public string? RaisedMemoryLimit => MemoryLimit is null ? Megabytes(RaisedMegabytes) : null;

    /// <summary>The raised default in bytes, as DuckDB reads <c>MB</c> (10^6 bytes).</summary>
    public long RaisedMemoryLimitBytes => RaisedMegabytes * 1_000_000L;

    private int RaisedMegabytes => 2 * DefaultPerThread * Threads;

    private int DefaultPerThread => SnapshotSchema is null ? DefaultMegabytesPerThread : SnapshotMegabytesPerThread;

    private static string Megabytes(int megabytes) => string.Create(CultureInfo.InvariantCulture, $"{megabytes}MB");

    /// <summary>
    /// DuckDB's <c>threads</c> per query. Each thread of a sort needs its own memory, about 48MB: the default memory
    /// limit grows with the threads, and one set on the connection should too (a 1M-row model of 9 columns sorts on 2
    /// threads within 96MB, not within 64MB).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Where DuckDB spills what does not fit (<c>temp_directory</c>); by default under the system's temp folder.</summary>
    public string TempDirectory { get; init; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reverse-etl-duckdb");

    /// <summary>The schema of the in-warehouse snapshot (<c>snapshot: { schema }</c>); with it the file is opened read-write.</summary>
    public string? SnapshotSchema { get; init; }

    public static DuckDbOptions From(ConnectionSettings connection)
    {
        var options = connection.Options;
        var path = options.GetProperty("path").GetString()!;
        var demo = options.TryGetProperty("demo", out var flag) && flag.ValueKind == JsonValueKind.True;
        var data = System.IO.Path.GetFullPath(connection.Paths.DataDirectory);
        var result = new DuckDbOptions(System.IO.Path.GetFullPath(path, data), demo) { FileSearchPath = data, SnapshotSchema = Sql.SnapshotSettings.Schema(connection) };
        if (options.TryGetProperty("memory_limit", out var limit) && limit.GetString() is { Length: > 0 } memory)
        {
            result = result with { MemoryLimit = memory };
        }

        if (options.TryGetProperty("threads", out var threads) && threads.TryGetInt32(out var count))
        {
            result = result with { Threads = count };
        }

        return options.TryGetProperty("temp_directory", out var temp) && temp.GetString() is { Length: > 0 } folder
            ? result with { TempDirectory = System.IO.Path.GetFullPath(folder, data) }
            : result;
    }
}

/// <summary>Creates DuckDB warehouses; a <c>demo: true</c> connection generates the demo tables on first use.</summary>
public sealed class DuckDbConnector(ILoggerFactory? loggers = null) : IWarehouseConnector
{
    /// <summary>The connection type in the YAML, and the key the connector is registered under.</summary>
    public const string TypeName = "duckdb";

    public string Type => TypeName;

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection)
    {
        var options = DuckDbOptions.From(connection);
        return options.Demo || File.Exists(options.Path)
            ? Sql.SnapshotSettings.Validate(connection)
            : [new ConfigProblem("path", $"the DuckDB file '{options.Path}' does not exist (set 'demo: true' to generate the demo warehouse there)"), .. Sql.SnapshotSettings.Validate(connection)];
    }

    public IWarehouse Create(ConnectionSettings connection) =>
        new DuckDbWarehouse(DuckDbOptions.From(connection), logger: loggers?.CreateLogger<DuckDbWarehouse>());
}

public static class DuckDbServiceCollectionExtensions
{
    /// <summary>Registers the <c>duckdb</c> warehouse connector.</summary>
    public static IServiceCollection AddDuckDb(this IServiceCollection services) =>
        services.AddKeyedSingleton<IWarehouseConnector, DuckDbConnector>(DuckDbConnector.TypeName).AddSingleton(sp => sp.GetRequiredKeyedService<IWarehouseConnector>(DuckDbConnector.TypeName));
}
