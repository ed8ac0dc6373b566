using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Postgres;

/// <summary>The <c>postgres</c> connection section: <c>connection_string</c>, from an environment variable (it holds the password).</summary>
public sealed record PostgresOptions(string ConnectionString)
{
    /// <summary>The schema of the in-warehouse snapshot (<c>snapshot: { schema }</c>); null when the connection is only read.</summary>
    public string? SnapshotSchema { get; init; }

    public static PostgresOptions From(ConnectionSettings connection) =>
        new(connection.Options.TryGetProperty("connection_string", out var c) ? c.GetString() ?? string.Empty : string.Empty) { SnapshotSchema = Sql.SnapshotSettings.Schema(connection) };

    /// <summary>Host, port and database, for messages: never the password.</summary>
    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}

/// <summary>Creates PostgreSQL warehouses.</summary>
public sealed class PostgresConnector : IWarehouseConnector
{
    /// <summary>The connection type in the YAML, and the key the connector is registered under.</summary>
    public const string TypeName = "postgres";

    public string Type => TypeName;

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection)
    {
        var text = PostgresOptions.From(connection).ConnectionString;
        if (string.IsNullOrWhiteSpace(text))
        {
            return [new ConfigProblem("connection_string", "is empty; set it, e.g. connection_string: ${POSTGRES_CONNECTION_STRING}")];
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return Sql.SnapshotSettings.Validate(connection);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword, never the password's value.
            return [new ConfigProblem("connection_string", $"is not a valid Npgsql connection string: {ex.Message}")];
        }
    }

    public IWarehouse Create(ConnectionSettings connection) => new PostgresWarehouse(PostgresOptions.From(connection));
}

public static class PostgresServiceCollectionExtensions
{
    /// <summary>Registers the <c>postgres</c> warehouse connector.</summary>
    public static IServiceCollection AddPostgres(this IServiceCollection services) =>
        services.AddKeyedSingleton<IWarehouseConnector, PostgresConnector>(PostgresConnector.TypeName).AddSingleton(sp => sp.GetRequiredKeyedService<IWarehouseConnector>(PostgresConnector.TypeName));
}
