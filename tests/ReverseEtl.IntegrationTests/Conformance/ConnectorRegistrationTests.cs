using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Templates;
using ReverseEtl.Destinations.HubSpot;
using ReverseEtl.Destinations.Intercom;
using ReverseEtl.Destinations.Salesforce;
using ReverseEtl.Destinations.Slack;
using ReverseEtl.Warehouses.DuckDb;
using ReverseEtl.Warehouses.Postgres;
using ReverseEtl.Warehouses.Snowflake;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>Each AddX() registers its connector as a keyed service under its YAML type, and the same instance in the list the catalog reads.</summary>
public sealed class ConnectorRegistrationTests
{
    [Fact]
    public void AddX_RegistersEachConnectorKeyedByItsType_AndTheSameInstanceUnkeyed()
    {
        using var services = new ServiceCollection().AddLogging().AddSingleton<ITemplateCompiler, LiquidTemplateCompiler>()
            .AddDuckDb().AddPostgres().AddSnowflake()
            .AddSlack().AddSlackWebhook().AddHubSpot().AddIntercom().AddSalesforce()
            .BuildServiceProvider();

        var warehouses = services.GetServices<IWarehouseConnector>().ToList();
        var destinations = services.GetServices<IDestinationConnector>().ToList();

        Assert.Equal(["duckdb", "postgres", "snowflake"], warehouses.Select(c => c.Type));
        Assert.Equal(["slack", "slack_webhook", "hubspot", "intercom", "salesforce"], destinations.Select(c => c.Type));
        Assert.All(warehouses, c => Assert.Same(c, services.GetRequiredKeyedService<IWarehouseConnector>(c.Type)));
        Assert.All(destinations, c => Assert.Same(c, services.GetRequiredKeyedService<IDestinationConnector>(c.Type)));
    }
}
