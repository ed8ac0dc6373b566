using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>Creates Snowflake warehouses (SQL API v2).</summary>
public sealed class SnowflakeConnector(TimeProvider time) : IWarehouseConnector
{
    public string Type => "snowflake";

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        SnowflakeOptions.From(connection, problems);
        return problems;
    }

    public IWarehouse Create(ConnectionSettings connection) => new SnowflakeWarehouse(SnowflakeOptions.From(connection), time);
}

public static class SnowflakeServiceCollectionExtensions
{
    /// <summary>Registers the <c>snowflake</c> warehouse connector.</summary>
    public static IServiceCollection AddSnowflake(this IServiceCollection services) =>
        services.AddSingleton<IWarehouseConnector, SnowflakeConnector>();
}
