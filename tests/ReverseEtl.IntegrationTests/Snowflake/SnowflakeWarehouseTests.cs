using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReverseEtl.Abstractions;
using ReverseEtl.Tests.Support;
using ReverseEtl.Warehouses.Snowflake;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>The SQL API client against WireMock answering as snowflake-sqlapi.yaml and the SQL API docs describe.</summary>
public sealed class SnowflakeWarehouseTests : IDisposable
{
    private const string Handle = "019c06a4-0000-df4f-0000-00100006589e";
    private const string Statements = "/api/v2/statements";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly string _keys = Directory.CreateTempSubdirectory("retl-sf-").FullName;
    private readonly List<ServiceProvider> _services = [];

    [Fact]
    public async Task Query_PolledThenTwoPartitions_DecodesEveryTypeAndSendsWhatTheApiRequires()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(202, Accepted));
        _server.Given(Request.Create().WithPath($"{Statements}/{Handle}").UsingGet().WithParam("partition", "1"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("Content-Encoding", "gzip")
                .WithBody(SnowflakeCellEncoder.Gzip("""{"data":[["2","Beta",null,null,null,null,null,null,null,null,null]]}""")));
        _server.Given(Request.Create().WithPath($"{Statements}/{Handle}").UsingGet()).AtPriority(100).RespondWith(Json(200, ResultSet));
        using var warehouse = Warehouse("token: pat-secret");

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select * from account_activation", "reverse-etl:alerts"), CancellationToken.None);
        var rows = await result.ReadRowsAsync(CancellationToken.None).ToListAsync();

        Assert.Equal(["ID", "NAME", "SCORE", "RATIO", "ACTIVE", "SIGNUP_COHORT", "AT_TIME", "ENTERED", "SEEN_TZ", "TOOLS", "NOTHING"], result.Columns.Select(c => c.Name));
        Assert.Equal([1L, "Acme", 12.34m, 1.5d, true, new DateOnly(2025, 4, 1), new TimeOnly(14, 3, 11)], rows[0][..7]);
        Assert.Equal((new DateTime(2025, 5, 2, 14, 3, 11, DateTimeKind.Utc), new DateTime(2021, 3, 19, 17, 6, 59, DateTimeKind.Utc)), ((DateTime)rows[0][7]!, (DateTime)rows[0][8]!));
        Assert.Equal(["salesforce", "slack"], Assert.IsType<List<object?>>(rows[0][9]));
        Assert.Null(rows[0][10]);
        Assert.Equal([2L, "Beta"], rows[1][..2]);
        var submit = _server.LogEntries.Single(e => e.RequestMessage!.Method == "POST").RequestMessage!;
        Assert.True(Guid.TryParse(submit.Query!["requestId"][0], out _));
        Assert.False(submit.Query.ContainsKey("retry"));
        Assert.Equal(("Bearer pat-secret", "PROGRAMMATIC_ACCESS_TOKEN"), (submit.Headers!["Authorization"][0], submit.Headers["X-Snowflake-Authorization-Token-Type"][0]));
        Assert.StartsWith("reverse-etl/", submit.Headers["User-Agent"][0], StringComparison.Ordinal);
        Assert.Empty(OpenApiContract.Get("snowflake-sqlapi.yaml").ValidateRequest(Statements, "post", submit.Body!));
        Assert.Equal(("UTC", "reverse-etl:alerts"), (JsonNode.Parse(submit.Body!)!["parameters"]!["timezone"]!.GetValue<string>(), JsonNode.Parse(submit.Body!)!["parameters"]!["query_tag"]!.GetValue<string>()));
    }

    [Fact]
    public void CannedAnswers_AreWhatTheContractDescribes()
    {
        Contracts.RequireAvailable(); // it checks nothing but the contract
        var contract = OpenApiContract.Get("snowflake-sqlapi.yaml");

        Assert.Empty(contract.ValidateResponse(Statements, "post", "200", ResultSet));
        Assert.Empty(contract.ValidateResponse(Statements, "post", "202", Accepted));
        Assert.Empty(contract.ValidateResponse(Statements, "post", "422", Rejected));
    }

    [Fact]
    public async Task Query_Rejected422_NamesTheSyncCodeSqlStateAndMessage()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(422, Rejected));
        using var warehouse = Warehouse("token: pat-secret");

        var error = await Assert.ThrowsAsync<WarehouseException>(() => warehouse.QueryAsync(new WarehouseQuery("select afaf", "reverse-etl:alerts"), CancellationToken.None));

        Assert.Equal("Snowflake rejected the query for reverse-etl:alerts: 000904 (42000): SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF'", error.Message);
        Assert.False(error.OutOfResources);
    }

    [Fact]
    public async Task Query_ThrottledThenServerError_ResubmitsTheSameRequestIdWithRetry()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).InScenario("s").WillSetStateTo("503")
            .RespondWith(Json(429, """{"code":"390505","message":"Too many requests."}"""));
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).InScenario("s").WhenStateIs("503").WillSetStateTo("ok").RespondWith(Json(503, "{}"));
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).InScenario("s").WhenStateIs("ok").RespondWith(Json(200, ResultSet.Replace("{\"rowCount\":1,\"uncompressedSize\":40},", "", StringComparison.Ordinal)));
        using var warehouse = Warehouse("token: pat-secret");

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select 1", "t"), CancellationToken.None);

        var submits = _server.LogEntries.Select(e => e.RequestMessage!).OrderBy(r => r.DateTime).ToList();
        Assert.Equal(3, submits.Count);
        Assert.Single(submits.Select(s => s.Query!["requestId"][0]).Distinct());
        Assert.Equal([false, true, true], submits.Select(s => s.Query!.ContainsKey("retry")));
    }

    [Fact]
    public async Task Query_ThrottledWithRetryAfter_ResubmitsOnlyAfterTheWaitSnowflakeAskedFor()
    {
        var start = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var time = new WaitingClock(start) { Longest = TimeSpan.FromMinutes(2) }; // moves only through the waits the client is in
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).InScenario("r").WillSetStateTo("ok")
            .RespondWith(Json(429, """{"code":"390505","message":"Too many requests."}""").WithHeader("Retry-After", "30"));
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).InScenario("r").WhenStateIs("ok").RespondWith(Json(200, OneRow));
        using var warehouse = Warehouse("token: pat-secret", time: time);

        await time.RunAsync(QueryAsync(warehouse));

        var waited = time.GetUtcNow() - start;
        Assert.Equal(2, _server.LogEntries.Count);
        Assert.InRange(waited, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120));
        Assert.True(_server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Last().RequestMessage!.Query!.ContainsKey("retry"));
    }

    [Fact]
    public async Task KeyPair_JwtNamesTheNormalisedAccountAndTheKeysFingerprint_AndIsVerifiedByThePublicKey()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(200, ResultSet.Replace("{\"rowCount\":1,\"uncompressedSize\":40},", "", StringComparison.Ordinal)));
        using var key = RSA.Create(2048);
        var keyFile = KeyFile(key.ExportPkcs8PrivateKeyPem());
        using var warehouse = Warehouse($"private_key_path: {keyFile}, user: reverse_etl", account: "myorg-myaccount");

        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select 1", "t"), CancellationToken.None);

        var request = _server.LogEntries.Single().RequestMessage!;
        var jwt = request.Headers!["Authorization"][0]["Bearer ".Length..].Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), System.Buffers.Text.Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var claims = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt[1]))!;
        var fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(($"MYORG-MYACCOUNT.REVERSE_ETL.{fingerprint}", "MYORG-MYACCOUNT.REVERSE_ETL"), (claims["iss"]!.GetValue<string>(), claims["sub"]!.GetValue<string>()));
        Assert.Equal(59 * 60, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.Equal("KEYPAIR_JWT", request.Headers["X-Snowflake-Authorization-Token-Type"][0]);
    }

    [Fact]
    public async Task KeyPair_RenewedOnceWhenSnowflakeRefusesTheTokenAndBeforeItExpires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).AtPriority(100).RespondWith(Json(200, OneRow));
        using var key = RSA.Create(2048);
        var keyFile = KeyFile(key.ExportPkcs8PrivateKeyPem());
        using var warehouse = Warehouse($"private_key_path: {keyFile}, user: reverse_etl", time: time);

        await QueryAsync(warehouse);
        var first = _server.LogEntries.Single().RequestMessage!.Headers!["Authorization"][0];
        _server.Given(Request.Create().WithPath(Statements).UsingPost().WithHeader("Authorization", first)).AtPriority(1)
            .RespondWith(Json(401, """{"code":"390144","message":"JWT token is invalid."}"""));
        time.Advance(TimeSpan.FromMinutes(1));
        await QueryAsync(warehouse);
        time.Advance(TimeSpan.FromMinutes(54));
        await QueryAsync(warehouse);

        var sent = _server.LogEntries.OrderBy(e => e.RequestMessage!.DateTime).Select(e => (Token: e.RequestMessage!.Headers!["Authorization"][0]["Bearer ".Length..], Status: (int)e.ResponseMessage!.StatusCode!)).ToList();
        Assert.Equal([200, 401, 200, 200], sent.Select(s => s.Status));
        Assert.Equal(3, sent.Select(s => s.Token).Distinct().Count());
        Assert.Equal(sent[0].Token, sent[1].Token);
        var issued = sent.Select(s => JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(s.Token.Split('.')[1]))!["iat"]!.GetValue<long>() - time.Start.ToUnixTimeSeconds()).ToList();
        Assert.Equal([0L, 0L, 60L, 55 * 60L], issued);
    }

    [Fact]
    public async Task KeyPair_EncryptedKey_ReadWithItsPassphrase_AndAWrongOneNamedAtValidation()
    {
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Json(200, OneRow));
        using var key = RSA.Create(2048);
        var path = KeyFile(key.ExportEncryptedPkcs8PrivateKeyPem("correct horse", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        using var warehouse = Warehouse($"private_key_path: {path}, private_key_passphrase: correct horse, user: reverse_etl");

        await QueryAsync(warehouse);

        var jwt = _server.LogEntries.Single().RequestMessage!.Headers!["Authorization"][0]["Bearer ".Length..].Split('.');
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), System.Buffers.Text.Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var problems = Connector().Validate(Settings($"private_key_path: {path}, private_key_passphrase: wrong, user: reverse_etl", "myorg-myaccount"));
        var problem = Assert.Single(problems);
        Assert.Equal("private_key_path", problem.Path);
        Assert.StartsWith($"The Snowflake private key '{path}' could not be read: ", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyPair_KeyShorterThan2048Bits_NamedAtValidation()
    {
        using var key = RSA.Create(1024);
        var path = KeyFile(key.ExportPkcs8PrivateKeyPem());

        var problem = Assert.Single(Connector().Validate(Settings($"private_key_path: {path}, user: reverse_etl", "myorg-myaccount")));

        Assert.Equal(("private_key_path", $"The Snowflake private key '{path}' is a 1024-bit key; key-pair authentication needs an RSA key of at least 2048 bits"), (problem.Path, problem.Message));
    }

    [Theory]
    [InlineData("myorg-myaccount", "MYORG-MYACCOUNT")]
    [InlineData("xy12345.us-east-1", "XY12345")]
    [InlineData("myorg-myaccount.global", "MYORG")]
    public void AccountName_IsNormalisedAsSnowflakesDriversDo(string account, string expected) =>
        Assert.Equal(expected, SnowflakeKeyPairToken.AccountName(account));

    public void Dispose()
    {
        _services.ForEach(s => s.Dispose());
        _server.Dispose();
        Directory.Delete(_keys, recursive: true);
    }

    // A private key file in this test's own folder, deleted with it.
    private string KeyFile(string pem)
    {
        var path = Path.Combine(_keys, "rsa_key.p8");
        File.WriteAllText(path, pem);
        return path;
    }

    private static async Task QueryAsync(SnowflakeWarehouse warehouse)
    {
        await using var result = await warehouse.QueryAsync(new WarehouseQuery("select 1", "t"), CancellationToken.None);
        Assert.Single(await result.ReadRowsAsync(CancellationToken.None).ToListAsync());
    }

    private SnowflakeWarehouse Warehouse(string credentials, string account = "myorg-myaccount", TimeProvider? time = null) =>
        (SnowflakeWarehouse)Connector(time).Create(Settings(credentials, account));

    // The connector as the worker gets it: keyed by its type, with AddSnowflake's HTTP client.
    private IWarehouseConnector Connector(TimeProvider? time = null)
    {
        var services = new ServiceCollection().AddSingleton(time ?? TimeProvider.System).AddSnowflake().BuildServiceProvider();
        _services.Add(services);
        return services.GetRequiredKeyedService<IWarehouseConnector>(SnowflakeConnector.TypeName);
    }

    private ConnectionSettings Settings(string credentials, string account)
    {
        var yaml = JsonNode.Parse("{" + string.Join(",", $"account: {account}, {credentials}, base_url: {_server.Url}, warehouse: REVERSE_ETL_WH, database: ANALYTICS, schema: MARTS, role: REVERSE_ETL"
            .Split(", ").Select(p => p.Split(": ", 2)).Select(p => $"\"{p[0]}\":\"{p[1]}\"")) + "}")!;
        return new ConnectionSettings("sf", "snowflake", JsonSerializer.SerializeToElement(yaml), new RuntimePaths(Path.GetTempPath(), Path.GetTempPath()));
    }

    private static IResponseBuilder Json(int status, string body) => Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    private const string OneRow = """
        {"resultSetMetaData":{"numRows":1,"format":"jsonv2","rowType":[{"name":"1","type":"fixed","scale":0,"nullable":false}],"partitionInfo":[{"rowCount":1,"uncompressedSize":3}]},
         "data":[["1"]],"code":"090001","sqlState":"00000","message":"Statement executed successfully.","statementHandle":"01b3","statementStatusUrl":"/api/v2/statements/01b3"}
        """;

    private const string Accepted = $$"""{"code":"333334","message":"Asynchronous execution in progress. Use provided query id to perform query monitoring and management.","statementHandle":"{{Handle}}","statementStatusUrl":"/api/v2/statements/{{Handle}}"}""";

    private const string Rejected = $$"""{"code":"000904","message":"SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF'","sqlState":"42000","statementHandle":"{{Handle}}"}""";

    private const string ResultSet = $$"""
        {"resultSetMetaData":{"numRows":2,"format":"jsonv2","rowType":[
          {"name":"ID","type":"fixed","scale":0,"precision":38,"nullable":false},
          {"name":"NAME","type":"text","nullable":false},
          {"name":"SCORE","type":"fixed","scale":2,"precision":10,"nullable":true},
          {"name":"RATIO","type":"real","nullable":true},
          {"name":"ACTIVE","type":"boolean","nullable":true},
          {"name":"SIGNUP_COHORT","type":"date","nullable":true},
          {"name":"AT_TIME","type":"time","scale":9,"nullable":true},
          {"name":"ENTERED","type":"timestamp_ntz","scale":9,"nullable":true},
          {"name":"SEEN_TZ","type":"timestamp_tz","scale":9,"nullable":true},
          {"name":"TOOLS","type":"array","nullable":true},
          {"name":"NOTHING","type":"text","nullable":true}],
          "partitionInfo":[{"rowCount":1,"uncompressedSize":40},{"rowCount":1,"uncompressedSize":40}]},
         "data":[["1","Acme","12.34","1.5","true","20179","50591.000000000","1746194591.000000000","1616173619.000000000 1500","[\n  \"salesforce\",\n  \"slack\"\n]",null]],
         "code":"090001","sqlState":"00000","message":"Statement executed successfully.","statementHandle":"{{Handle}}","statementStatusUrl":"/api/v2/statements/{{Handle}}","createdOn":1747728000000}
        """;
}
