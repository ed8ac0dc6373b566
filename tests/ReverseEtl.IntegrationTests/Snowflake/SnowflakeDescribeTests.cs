using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ReverseEtl.Abstractions;
using ReverseEtl.Warehouses.Snowflake;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>DescribeAsync through the SQL API, against WireMock answering as snowflake-sqlapi.yaml describes.</summary>
public sealed class SnowflakeDescribeTests : IDisposable
{
    private const string Statements = "/api/v2/statements";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly List<ServiceProvider> _services = [];

    [Fact]
    public async Task Describe_ZeroRowAnswer_ReturnsTheColumnsAndSendsTheQueryWrappedToReturnNoRow()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(200, NoRows));

        var columns = await Warehouse().DescribeAsync(new WarehouseQuery("select account_id, account_name from account_activation;", "reverse-etl:alerts"), CancellationToken.None);

        Assert.Equal([new WarehouseColumn("ACCOUNT_ID", "TEXT"), new WarehouseColumn("ACCOUNT_NAME", "TEXT")], columns);
        var body = Assert.Single(_server.LogEntries).RequestMessage!.Body!;
        Assert.Empty(OpenApiContract.Get("snowflake-sqlapi.yaml").ValidateRequest(Statements, "post", body));
        Assert.Equal("select * from (\nselect account_id, account_name from account_activation\n) as retl_describe__ where 1 = 0", JsonNode.Parse(body)!["statement"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_CompilationError_LineCountsInTheQueryGivenNotInTheWrapper()
    {
        const string rejected = """{"code":"000904","message":"SQL compilation error: error line 3 at position 4\ninvalid identifier 'ACOUNT_NAME'","sqlState":"42000","statementHandle":"019c06a4-0000-df4f-0000-00100006589e"}""";
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(422, rejected));
        Assert.Empty(OpenApiContract.Get("snowflake-sqlapi.yaml").ValidateResponse(Statements, "post", "422", rejected));

        var error = await Assert.ThrowsAsync<WarehouseException>(() =>
            Warehouse().DescribeAsync(new WarehouseQuery("select account_id,\n    acount_name\nfrom account_activation", "reverse-etl:alerts"), CancellationToken.None));

        Assert.Equal((2, 5), (error.Line, error.Column));
        Assert.Equal("Snowflake rejected the query for reverse-etl:alerts: 000904 (42000): SQL compilation error: error line 3 at position 4\ninvalid identifier 'ACOUNT_NAME'", error.Message);
    }

    public void Dispose()
    {
        _services.ForEach(s => s.Dispose());
        _server.Dispose();
    }

    private IWarehouse Warehouse()
    {
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddSnowflake().BuildServiceProvider();
        _services.Add(services);
        var options = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["account"] = "myorg-myaccount", ["token"] = "pat-secret", ["base_url"] = _server.Url!, ["warehouse"] = "REVERSE_ETL_WH",
            ["database"] = "ANALYTICS", ["schema"] = "MARTS",
        });
        return services.GetRequiredKeyedService<IWarehouseConnector>(SnowflakeConnector.TypeName)
            .Create(new ConnectionSettings("sf", "snowflake", options, new RuntimePaths(Path.GetTempPath(), Path.GetTempPath())));
    }

    private static IResponseBuilder Json(int status, string body) => Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    private const string NoRows = """
        {"resultSetMetaData":{"numRows":0,"format":"jsonv2","rowType":[
          {"name":"ACCOUNT_ID","type":"text","nullable":false},{"name":"ACCOUNT_NAME","type":"text","nullable":true}],
          "partitionInfo":[]},
         "data":[],"code":"090001","sqlState":"00000","message":"Statement executed successfully.","statementHandle":"01b2","statementStatusUrl":"/api/v2/statements/01b2"}
        """;
}
