using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback HubSpot that keeps the companies it is sent, for tests that kill the worker mid-batch. <c>batch/upsert</c>
/// by the id property (body checked against HubSpot's contract) waits a random moment, applies the batch, waits again
/// and answers: a kill in the first wait loses the batch, one in the second leaves it applied but unanswered. A record
/// is matched by its id property among the live ones (an archived one is not: the upsert creates a new record).
/// <c>batch/archive</c> archives by HubSpot id (unknown ids ignored, 204); <c>batch/read</c> by <c>idProperty</c>
/// answers the live records, with a 207 <c>OBJECT_NOT_FOUND</c> error for the others. The token must be <see cref="Token"/>.
/// </summary>
internal sealed class HubSpotStandIn : IKilledVendor, IDisposable
{
    public const string Token = "pat-kill-test";
    private const string Objects = "/crm/v3/objects/companies/batch/";
    private const string At = "2026-11-30T08:00:00.000Z";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly List<Company> _companies = [];
    private readonly List<string> _violations = [];
    private readonly Random _random;
    private readonly int _maxDelayMs;
    private int _received;
    private (int, int) _inFlight;

    public HubSpotStandIn(int seed, int maxDelayMs)
    {
        (_random, _maxDelayMs) = (new Random(seed), maxDelayMs);
        HubSpotAnswers.AnswerProperties(_server, "companies", "product_account_id", "days_in_stage");
        _server.Given(Request.Create().WithPath(Objects + "upsert").UsingPost()).RespondWith(Response.Create().WithCallback(UpsertAsync));
        _server.Given(Request.Create().WithPath(Objects + "archive").UsingPost()).RespondWith(Response.Create().WithCallback(ArchiveAsync));
        _server.Given(Request.Create().WithPath(Objects + "read").UsingPost()).RespondWith(Response.Create().WithCallback(Read));
    }

    public string Url => _server.Url!;

    /// <summary>Writes (upserts and archives) whose request has arrived, applied or not yet.</summary>
    public int Received => Volatile.Read(ref _received);

    public (int BeforeStore, int AfterStore) InFlight { get { lock (_companies) { return _inFlight; } } }

    /// <summary>Requests that broke HubSpot's contract or came without the token.</summary>
    public IReadOnlyList<string> Violations { get { lock (_companies) { return [.. _violations]; } } }

    /// <summary>The live companies by id property, each with its properties as last written.</summary>
    public IReadOnlyDictionary<string, JsonObject> Live
    {
        get { lock (_companies) { return _companies.Where(c => !c.Archived).ToDictionary(c => c.Key, c => (JsonObject)c.Properties.DeepClone(), StringComparer.Ordinal); } }
    }

    public void Dispose() => _server.Dispose();

    private async Task<IResponseMessage> UpsertAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref _received);
        if (Refused(request, "/crm/v3/objects/companies/batch/upsert") is { } refusal)
        {
            return refusal;
        }

        var inputs = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var results = await AppliedWithDelaysAsync(() => inputs.Select(Upsert).ToList());
        return Json(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = new JsonArray([.. results]), ["startedAt"] = At, ["completedAt"] = At });
    }

    private async Task<IResponseMessage> ArchiveAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref _received);
        if (Refused(request, "/crm/v3/objects/companies/batch/archive") is { } refusal)
        {
            return refusal;
        }

        var ids = JsonNode.Parse(request.Body!)!["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        await AppliedWithDelaysAsync(() => _companies.Where(c => ids.Contains(c.Id)).Select(c => c.Archived = true).ToList());
        return new ResponseMessage { StatusCode = 204 };
    }

    private IResponseMessage Read(IRequestMessage request)
    {
        if (Refused(request, "/crm/v3/objects/companies/batch/read") is { } refusal)
        {
            return refusal;
        }

        var body = JsonNode.Parse(request.Body!)!;
        var asked = body["inputs"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        Dictionary<string, JsonObject> live;
        lock (_companies)
        {
            live = _companies.Where(c => !c.Archived && asked.Contains(c.Key)).ToDictionary(c => c.Key, c => Result(c, new JsonObject { ["product_account_id"] = c.Key }));
        }

        var answer = new JsonObject { ["status"] = "COMPLETE", ["results"] = new JsonArray([.. live.Values]), ["startedAt"] = At, ["completedAt"] = At };
        var missing = asked.Where(k => !live.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            answer["numErrors"] = 1;
            answer["errors"] = new JsonArray(new JsonObject
            {
                ["status"] = "error", ["category"] = "OBJECT_NOT_FOUND", ["message"] = "Could not get some COMPANY objects, they may be deleted or not exist.",
                ["context"] = new JsonObject { ["ids"] = new JsonArray([.. missing.Select(m => JsonValue.Create(m))]) }, ["errors"] = new JsonArray(), ["links"] = new JsonObject(),
            });
        }

        return Json(missing.Count > 0 ? 207 : 200, answer);
    }

    // Called under the lock: the live record with this id property, updated, or a new one.
    private JsonObject Upsert(JsonObject input)
    {
        var key = input["id"]!.GetValue<string>();
        var properties = input["properties"]!.AsObject();
        var company = _companies.FirstOrDefault(c => !c.Archived && c.Key == key);
        if (company is null)
        {
            company = new Company((_companies.Count + 1001).ToString(System.Globalization.CultureInfo.InvariantCulture), key, new JsonObject());
            _companies.Add(company);
        }

        foreach (var (name, value) in properties)
        {
            company.Properties[name] = value?.DeepClone();
        }

        var result = Result(company, (JsonObject)company.Properties.DeepClone());
        result["objectWriteTraceId"] = input["objectWriteTraceId"]?.DeepClone(); // how the worker maps a result to its input
        return result;
    }

    private async Task<T> AppliedWithDelaysAsync<T>(Func<T> apply)
    {
        Track(before: 1, after: 0);
        await Task.Delay(Delay());
        T applied;
        lock (_companies)
        {
            applied = apply();
            _inFlight = (_inFlight.Item1 - 1, _inFlight.Item2 + 1);
        }

        await Task.Delay(Delay());
        Track(before: 0, after: -1);
        return applied;
    }

    private ResponseMessage? Refused(IRequestMessage request, string path)
    {
        var auth = request.Headers?.TryGetValue("Authorization", out var a) == true ? a.FirstOrDefault() : null;
        var problems = auth == $"Bearer {Token}" ? OpenApiContract.Get("hubspot-crm-companies-v3.json").ValidateRequest(path, "post", request.Body ?? "{}") : ["no token"];
        if (problems.Count == 0)
        {
            return null;
        }

        lock (_companies)
        {
            _violations.AddRange(problems.Select(p => $"{path}: {p}"));
        }

        return Json(problems[0] == "no token" ? 401 : 400, new JsonObject { ["status"] = "error", ["message"] = string.Join("; ", problems), ["category"] = "VALIDATION_ERROR" });
    }

    private static JsonObject Result(Company company, JsonObject properties) => new()
    {
        ["id"] = company.Id, ["properties"] = properties, ["createdAt"] = At, ["updatedAt"] = At, ["archived"] = false,
    };

    private int Delay()
    {
        lock (_random)
        {
            return _random.Next(_maxDelayMs + 1);
        }
    }

    private void Track(int before, int after)
    {
        lock (_companies)
        {
            _inFlight = (_inFlight.Item1 + before, _inFlight.Item2 + after);
        }
    }

    private static ResponseMessage Json(int status, JsonObject body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    private sealed class Company(string id, string key, JsonObject properties)
    {
        public string Id { get; } = id;

        public string Key { get; } = key;

        public JsonObject Properties { get; } = properties;

        public bool Archived { get; set; }
    }
}
