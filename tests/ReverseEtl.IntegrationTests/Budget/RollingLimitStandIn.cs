using System.Globalization;
using System.Text.Json.Nodes;
using ReverseEtl.IntegrationTests.Conformance;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Budget;

/// <summary>
/// HubSpot's batch upsert behind its per-token rolling limit, as HubSpot documents it: at most <c>limit</c> requests a
/// token in any rolling <c>window</c>; past it, 429 with <c>policyName: TEN_SECONDLY_ROLLING</c>. Accepted answers carry
/// the <c>X-HubSpot-RateLimit-Interval-Milliseconds</c>, <c>-Max</c> and <c>-Remaining</c> headers, unless
/// <c>quotaHeaders</c> is false (then the worker's pace alone must hold the limit).
/// </summary>
internal sealed class RollingLimitStandIn : IDisposable
{
    public const string Upsert = "/crm/v3/objects/companies/batch/upsert";

    /// <summary>The companies' properties, read before each run's first send: a call like any other, within the same limit.</summary>
    public const string Properties = "/crm/v3/properties/companies";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _accepted = new(StringComparer.Ordinal);
    private readonly List<JsonNode> _delivered = [];

    private readonly bool _quotaHeaders;

    public RollingLimitStandIn(int limit, TimeSpan window, bool quotaHeaders = true)
    {
        (_limit, _window, _quotaHeaders) = (limit, window, quotaHeaders);
        _server.Given(Request.Create().WithPath(Upsert).UsingPost()).RespondWith(Response.Create().WithCallback(Answer));
        _server.Given(Request.Create().WithPath(Properties).UsingGet()).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => _server.Url!;

    public int RateLimited { get; private set; }

    /// <summary>Upserts accepted.</summary>
    public int Accepted { get; private set; }

    /// <summary>Property lists read (each counts toward the limit, as at HubSpot).</summary>
    public int Reads { get; private set; }

    /// <summary>Every input of every accepted upsert, in the order they arrived.</summary>
    public IReadOnlyList<JsonNode> Delivered
    {
        get
        {
            lock (_gate)
            {
                return [.. _delivered];
            }
        }
    }

    public void Dispose() => _server.Dispose();

    private ResponseMessage Answer(IRequestMessage request)
    {
        var token = request.Headers!["Authorization"][0];
        var body = request.Method == "GET" ? null : JsonNode.Parse(request.Body!);
        lock (_gate)
        {
            var now = TimeProvider.System.GetUtcNow();
            var accepted = _accepted.TryGetValue(token, out var seen) ? seen : _accepted[token] = new Queue<DateTimeOffset>();
            while (accepted.TryPeek(out var first) && now - first >= _window)
            {
                accepted.Dequeue();
            }

            if (accepted.Count >= _limit)
            {
                RateLimited++;
                return Json(429, HubSpotAnswers.RateLimited("TEN_SECONDLY_ROLLING"), []);
            }

            accepted.Enqueue(now);
            (Accepted, Reads) = body is null ? (Accepted, Reads + 1) : (Accepted + 1, Reads);
            _delivered.AddRange(body?["inputs"]!.AsArray().Select(i => i!.DeepClone()) ?? []);
            var answer = body is null ? HubSpotAnswers.Properties("companies", "product_account_id") : HubSpotAnswers.Results(body).ToJsonString();
            return Json(200, answer, !_quotaHeaders ? [] : new Dictionary<string, string>
            {
                ["X-HubSpot-RateLimit-Interval-Milliseconds"] = ((int)_window.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ["X-HubSpot-RateLimit-Max"] = _limit.ToString(CultureInfo.InvariantCulture),
                ["X-HubSpot-RateLimit-Remaining"] = (_limit - accepted.Count).ToString(CultureInfo.InvariantCulture),
            });
        }
    }

    private static ResponseMessage Json(int status, string json, Dictionary<string, string> headers)
    {
        var all = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        foreach (var (name, value) in headers)
        {
            all[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage
        {
            StatusCode = status,
            Headers = all,
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
        };
    }
}
