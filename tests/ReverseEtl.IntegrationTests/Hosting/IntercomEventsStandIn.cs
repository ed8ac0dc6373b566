using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback Intercom that keeps the data events it is sent, for tests that kill the worker mid-run. <c>POST /events</c>
/// (body checked against Intercom's contract, <see cref="Token"/> required) stores the event between two random waits
/// (<see cref="StoreDelays"/>) and answers 202.
/// Every event received is kept; <see cref="Events"/> counts them as Intercom does, one per user, name and
/// <c>created_at</c>: Intercom drops a repeat of those three.
/// </summary>
internal sealed class IntercomEventsStandIn : IKilledVendor, IDisposable
{
    public const string Token = "dG9rOmtpbGwtdGVzdA==";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly List<JsonObject> _received = [];
    private readonly List<string> _violations = [];
    private readonly StoreDelays _delays;

    public IntercomEventsStandIn(int seed, int maxDelayMs)
    {
        _delays = new StoreDelays(seed, maxDelayMs);
        _server.Given(Request.Create().WithPath("/events").UsingPost()).RespondWith(Response.Create().WithCallback(PostAsync));
    }

    public string Url => _server.Url!;

    public int Received => _delays.Received;

    public (int BeforeStore, int AfterStore) InFlight => _delays.InFlight;

    public IReadOnlyList<string> Violations { get { lock (_received) { return [.. _violations]; } } }

    /// <summary>How many times each event (user, name, created_at) was stored: above 1, Intercom dropped the repeats.</summary>
    public IReadOnlyDictionary<(string User, string Name, long CreatedAt), int> Events
    {
        get
        {
            lock (_received)
            {
                return _received.GroupBy(e => (e["user_id"]!.GetValue<string>(), e["event_name"]!.GetValue<string>(), e["created_at"]!.GetValue<long>()))
                    .ToDictionary(g => g.Key, g => g.Count());
            }
        }
    }

    public void Dispose() => _server.Dispose();

    private async Task<IResponseMessage> PostAsync(IRequestMessage request)
    {
        _delays.Arrived();
        var auth = request.Headers?.TryGetValue("Authorization", out var a) == true ? a.FirstOrDefault() : null;
        var problems = auth == $"Bearer {Token}" ? OpenApiContract.Get("intercom-2.14.yaml").ValidateRequest("/events", "post", request.Body ?? "{}") : ["no token"];
        if (problems.Count > 0)
        {
            lock (_received)
            {
                _violations.AddRange(problems);
            }

            return new ResponseMessage { StatusCode = problems[0] == "no token" ? 401 : 400 };
        }

        var body = JsonNode.Parse(request.Body!)!.AsObject();
        await _delays.StoredAsync(_received, () => { _received.Add(body); return body; });
        return new ResponseMessage { StatusCode = 202 };
    }
}
