using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.DuckDb;

/// <summary>
/// The <c>duckdb</c> connection section: <c>path</c> (relative to the data directory) and <c>demo</c>. Files a model
/// reads (<c>read_parquet('x.parquet')</c>, <c>read_csv('x.csv')</c>) are also found relative to the data directory.
/// </summary>
public sealed record DuckDbOptions(string Path, bool Demo)
{
    /// <summary>Where relative file names in a model's SQL are looked up.</summary>
    public string FileSearchPath { get; init; } = string.Empty;

    /// <summary>The schema of the in-warehouse snapshot (<c>snapshot: { schema }</c>); with it the file is opened read-write.</summary>
    public string? SnapshotSchema { get; init; }

    public static DuckDbOptions From(ConnectionSettings connection)
    {
        var options = connection.Options;
        var path = options.GetProperty("path").GetString()!;
        var demo = options.TryGetProperty("demo", out var flag) && flag.ValueKind == JsonValueKind.True;
        var data = System.IO.Path.GetFullPath(connection.Paths.DataDirectory);
        return new DuckDbOptions(System.IO.Path.GetFullPath(path, data), demo) { FileSearchPath = data, SnapshotSchema = Sql.SnapshotSettings.Schema(connection) };
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
