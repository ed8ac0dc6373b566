using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Warehouses.Snowflake;

/// <summary>Creates Snowflake warehouses (SQL API v2), each over the <c>snowflake</c> <see cref="IHttpClientFactory"/> client.</summary>
public sealed class SnowflakeConnector(TimeProvider time, IHttpMessageHandlerFactory handlers) : IWarehouseConnector
{
    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "snowflake";

    public string Type => TypeName;

    public IReadOnlyList<ConfigProblem> Validate(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        SnowflakeOptions.From(connection, problems);
        return problems;
    }

    public IWarehouse Create(ConnectionSettings connection) =>
        new SnowflakeWarehouse(SnowflakeOptions.From(connection), time, handlers.CreateHandler(SnowflakeHttpPolicy.ClientName));
}

public static class SnowflakeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>snowflake</c> warehouse connector, keyed by its type (and among all warehouse connectors), and its
    /// HTTP client: retries and an attempt timeout (<see cref="SnowflakeHttpPolicy"/>), then the network with gzip.
    /// The client's request logging is removed, as the destinations' is.
    /// </summary>
    public static IServiceCollection AddSnowflake(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(SnowflakeHttpPolicy.ClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddResilienceHandler(SnowflakeHttpPolicy.ClientName, (builder, context) =>
                SnowflakeHttpPolicy.Configure(builder, context.ServiceProvider.GetRequiredService<TimeProvider>()));
        return services
            .AddKeyedSingleton<IWarehouseConnector, SnowflakeConnector>(SnowflakeConnector.TypeName)
            .AddSingleton(sp => sp.GetRequiredKeyedService<IWarehouseConnector>(SnowflakeConnector.TypeName));
    }
}
