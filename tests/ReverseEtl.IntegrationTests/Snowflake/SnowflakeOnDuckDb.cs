using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Snowflake;

/// <summary>
/// Snowflake's SQL API served by WireMock, answering each statement from a DuckDB file. WireMock cannot run Snowflake
/// SQL, so DuckDB computes the answer after three substitutions: the body of a shipped Snowflake model is replaced by its
/// DuckDB twin, Snowflake's row-hash expression by DuckDB's, and its binary collation of key text is dropped. A statement
/// still holding SQL that Snowflake does not have (DuckDB lists and structs, PostgreSQL json and arrays, string_agg,
/// FILTER) is first rejected with 422, as Snowflake would. Answers are encoded as the SQL API does (jsonv2, upper-case column names, every value a string) in
/// partitions of <see cref="PartitionRows"/> rows, the later ones fetched gzipped. Request bodies and first answers
/// are checked against snowflake-sqlapi.yaml when the vendor contracts are there (<see cref="Contracts"/>); the checks
/// run on WireMock's threads, outside the test's context, so without the contracts they are not run at all and reading
/// <see cref="ContractViolations"/> notes the skip for the test that reads it.
/// </summary>
internal sealed partial class SnowflakeOnDuckDb : IDisposable
{
    public const int PartitionRows = 250;
    private const string Statements = "/api/v2/statements";
    private const string SnowflakeRowJson = "to_json(object_construct_keep_null(retl_model__.*))";
    private const string DuckDbRowJson = "cast(to_json(retl_model__) as varchar)";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly ConcurrentDictionary<string, List<List<string?[]>>> _partitions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _contractViolations = new();
    private readonly string _database;
    private readonly IReadOnlyList<(string Snowflake, string DuckDb)> _twins;

    public SnowflakeOnDuckDb(string databaseFile, IReadOnlyList<(string Snowflake, string DuckDb)> twins)
    {
        (_database, _twins) = (databaseFile, twins);
        _server.Given(Request.Create().WithPath(Statements).UsingPost()).RespondWith(Response.Create().WithCallback(Submit));
        _server.Given(Request.Create().WithPath(new WildcardMatcher($"{Statements}/*")).UsingGet()).RespondWith(Response.Create().WithCallback(Partition));
    }

    public string Url => _server.Url!;

    /// <summary>As an account whose DEFAULT_NULL_ORDERING is FIRST: an <c>order by</c> that does not say puts nulls first.</summary>
    public bool NullsFirst { get; set; }

    /// <summary>Every statement submitted, in order.</summary>
    public ConcurrentQueue<string> Submitted { get; } = new();

    /// <summary>Every way a request body or a first answer departed from snowflake-sqlapi.yaml (none are looked for without the contracts).</summary>
    public IReadOnlyCollection<string> ContractViolations
    {
        get
        {
            if (!Contracts.Available)
            {
                Contracts.NoteSkipped();
            }

            return _contractViolations;
        }
    }

    /// <summary>The shipped Snowflake models (config/models/snowflake) with their DuckDB twins, as the worker sends them.</summary>
    public static IReadOnlyList<(string Snowflake, string DuckDb)> ShippedModelTwins() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Config, "models", "snowflake"), "*.sql").Select(file =>
        {
            var twin = Path.Combine(RepositoryPaths.Config, "models", "duckdb", Path.GetFileName(file));
            return (Body(file), Body(File.Exists(twin) ? twin : Path.Combine(RepositoryPaths.Config, "models", Path.GetFileName(file))));
        }).ToList();

    public void Dispose() => _server.Dispose();

    private static string Body(string file) => File.ReadAllText(file).Trim().TrimEnd(';').TrimEnd();

    private ResponseMessage Submit(IRequestMessage request)
    {
        var statement = JsonNode.Parse(request.Body!)!["statement"]!.GetValue<string>();
        Submitted.Enqueue(statement);
        if (Contracts.Available)
        {
            foreach (var violation in OpenApiContract.Get("snowflake-sqlapi.yaml").ValidateRequest(Statements, "post", request.Body!))
            {
                _contractViolations.Enqueue($"request: {violation}");
            }
        }

        if (NotSnowflake().Match(statement) is { Success: true } foreign)
        {
            return Error(422, "001003", "42000", $"SQL compilation error: syntax error at '{foreign.Value}' (not Snowflake SQL)");
        }

        var sql = _twins.Aggregate(BucketTwins(Unescaped(statement)).Replace(SnowflakeRowJson, DuckDbRowJson, StringComparison.Ordinal), (s, t) => s.Replace(t.Snowflake, t.DuckDb, StringComparison.Ordinal));
        try
        {
            return Answer(sql);
        }
        catch (DuckDBException ex)
        {
            return Error(422, "000904", "42000", $"SQL compilation error: {ex.Message}");
        }
    }

    private ResponseMessage Answer(string sql)
    {
        using var connection = new DuckDBConnection($"Data Source={_database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"set default_null_order = '{(NullsFirst ? "nulls_first" : "nulls_last")}'";
        command.ExecuteNonQuery();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var (rowType, rows) = SnowflakeCellEncoder.Read(reader);
        var handle = Guid.NewGuid().ToString();
        var partitions = rows.Chunk(PartitionRows).Select(c => c.ToList()).DefaultIfEmpty([]).ToList();
        _partitions[handle] = partitions;
        var answer = new JsonObject
        {
            ["resultSetMetaData"] = new JsonObject
            {
                ["numRows"] = rows.Count,
                ["format"] = "jsonv2",
                ["rowType"] = rowType,
                ["partitionInfo"] = new JsonArray(partitions.Select(p => (JsonNode)new JsonObject { ["rowCount"] = p.Count, ["uncompressedSize"] = p.Count * 100 }).ToArray()),
            },
            ["data"] = SnowflakeCellEncoder.Data(partitions[0]),
            ["code"] = "090001",
            ["sqlState"] = "00000",
            ["message"] = "Statement executed successfully.",
            ["statementHandle"] = handle,
            ["statementStatusUrl"] = $"{Statements}/{handle}",
        }.ToJsonString();
        if (Contracts.Available)
        {
            foreach (var violation in OpenApiContract.Get("snowflake-sqlapi.yaml").ValidateResponse(Statements, "post", "200", answer))
            {
                _contractViolations.Enqueue($"answer: {violation}");
            }
        }

        return Json(200, answer);
    }

    private ResponseMessage Partition(IRequestMessage request)
    {
        var handle = request.Path[(Statements.Length + 1)..];
        var number = int.Parse(request.Query!["partition"][0], System.Globalization.CultureInfo.InvariantCulture);
        var body = new JsonObject { ["data"] = SnowflakeCellEncoder.Data(_partitions[handle][number]) }.ToJsonString();
        return new ResponseMessage
        {
            StatusCode = 200,
            Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json"), ["Content-Encoding"] = new("gzip") },
            BodyData = new BodyData { BodyAsBytes = SnowflakeCellEncoder.Gzip(body), DetectedBodyType = BodyType.Bytes },
        };
    }

    private static ResponseMessage Error(int status, string code, string sqlState, string message) =>
        Json(status, new JsonObject { ["code"] = code, ["sqlState"] = sqlState, ["message"] = message, ["statementHandle"] = Guid.NewGuid().ToString() }.ToJsonString());

    private static ResponseMessage Json(int status, string body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };


    // DuckDB's and PostgreSQL's SQL that Snowflake does not have.
    [GeneratedRegex(@"\b(string_agg|struct_pack|list_contains|list|json_agg|json_build_object|row_to_json)\s*\(|\bfilter\s*\(\s*where\b|=\s*any\s*\(|::\s*text\[\]", RegexOptions.IgnoreCase)]
    private static partial Regex NotSnowflake();
}
