using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback Intercom that keeps the data events it is sent, for tests that kill the worker mid-run. <c>POST /events</c>
/// (body checked against Intercom's contract, <see cref="Token"/> required) waits a random moment, stores the event,
/// waits again and answers 202: a kill in the first wait loses it, one in the second leaves it stored but unanswered.
/// Every event received is kept; <see cref="Events"/> counts them as Intercom does, one per user, name and
/// <c>created_at</c>: Intercom drops a repeat of those three.
/// </summary>
internal sealed class IntercomEventsStandIn : IKilledVendor, IDisposable
{
    public const string Token = "dG9rOmtpbGwtdGVzdA==";
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly List<JsonObject> _received = [];
    private readonly List<string> _violations = [];
    private readonly Random _random;
    private readonly int _maxDelayMs;
    private int _arrived;
    private (int BeforeStore, int AfterStore) _inFlight;

    public IntercomEventsStandIn(int seed, int maxDelayMs)
    {
        (_random, _maxDelayMs) = (new Random(seed), maxDelayMs);
        _server.Given(Request.Create().WithPath("/events").UsingPost()).RespondWith(Response.Create().WithCallback(PostAsync));
    }

    public string Url => _server.Url!;

    public int Received => Volatile.Read(ref _arrived);

    public (int BeforeStore, int AfterStore) InFlight { get { lock (_received) { return _inFlight; } } }

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
        Interlocked.Increment(ref _arrived);
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

        Track(1, 0);
        await Task.Delay(Delay());
        lock (_received)
        {
            _received.Add(JsonNode.Parse(request.Body!)!.AsObject());
            _inFlight = (_inFlight.BeforeStore - 1, _inFlight.AfterStore + 1);
        }

        await Task.Delay(Delay());
        Track(0, -1);
        return new ResponseMessage { StatusCode = 202 };
    }

    private int Delay()
    {
        lock (_random)
        {
            return _random.Next(_maxDelayMs + 1);
        }
    }

    private void Track(int before, int after)
    {
        lock (_received)
        {
            _inFlight = (_inFlight.BeforeStore + before, _inFlight.AfterStore + after);
        }
    }
}
