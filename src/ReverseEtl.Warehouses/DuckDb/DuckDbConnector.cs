using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
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
    /// DuckDB's memory for a query unless <c>memory_limit</c> says otherwise: a sort of the whole model spills past it.
    /// 96MB, not DuckDB's 128MB: a 1M-row sort takes no more CPU and the process peaks up to 60 MiB lower; not 64MB, as
    /// <c>read_csv</c> needs about 92MB (61MB, then a block of 30.5MB).
    /// </summary>
    public const string DefaultMemoryLimit = "96MB";

    /// <summary>Where relative file names in a model's SQL are looked up.</summary>
    public string FileSearchPath { get; init; } = string.Empty;

    /// <summary>DuckDB's <c>memory_limit</c> per query (e.g. <c>128MB</c>, <c>1GB</c>).</summary>
    public string MemoryLimit { get; init; } = DefaultMemoryLimit;

    /// <summary>
    /// DuckDB's <c>threads</c> per query. Each thread of a sort needs its own memory: past 1 thread, raise the memory
    /// limit by about 64MB per thread (measured on a 1M-row model of 9 columns).
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
public sealed class DuckDbConnector : IWarehouseConnector
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

    public IWarehouse Create(ConnectionSettings connection) => new DuckDbWarehouse(DuckDbOptions.From(connection));
}

public static class DuckDbServiceCollectionExtensions
{
    /// <summary>Registers the <c>duckdb</c> warehouse connector.</summary>
    public static IServiceCollection AddDuckDb(this IServiceCollection services) =>
        services.AddKeyedSingleton<IWarehouseConnector, DuckDbConnector>(DuckDbConnector.TypeName).AddSingleton(sp => sp.GetRequiredKeyedService<IWarehouseConnector>(DuckDbConnector.TypeName));
}
