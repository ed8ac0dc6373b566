using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback Slack that keeps what it is sent, for tests that kill the worker mid-post. <c>chat.postMessage</c> (body
/// checked against Slack's contract, <see cref="SlackContract"/>) waits a random moment, stores the message with its
/// <c>metadata</c> and a new <c>ts</c>, waits again and answers: a kill in the first wait loses the post, one in the
/// second leaves it stored but unanswered. A post whose request arrived whole is stored even when its sender died, as
/// Slack does. <c>conversations.history</c> answers as Slack documents: the channel's messages newest first between
/// <c>oldest</c> and <c>latest</c> (exclusive unless <c>inclusive</c>), at most <c>limit</c> (default 100, at most
/// 999) a page, <c>has_more</c> and <c>response_metadata.next_cursor</c> (base64 <c>next_ts:…</c>), and each
/// message's <c>metadata</c> only with <c>include_all_metadata</c>. The token must be <see cref="Token"/>.
/// </summary>
internal sealed class SlackHistoryServer : IKilledVendor, IDisposable
{
    public const string Token = "xoxb-test";
    public const string Channel = "C0ALERTS01";
    public const string Hook = "/services/T0KILL001/B0KILL001/kKiLlTeStWeBhOoK0001";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly List<Stored> _messages = [];
    private readonly List<string> _violations = [];
    private readonly Random _random;
    private readonly int _maxDelayMs;
    private long _lastMicros;
    private int _received;

    public SlackHistoryServer(int seed, int maxDelayMs)
    {
        _random = new Random(seed);
        _maxDelayMs = maxDelayMs;
        _server.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(Response.Create().WithCallback(PostAsync));
        _server.Given(Request.Create().WithPath(Hook).UsingPost()).RespondWith(Response.Create().WithCallback(WebhookAsync));
        _server.Given(Request.Create().WithPath("/api/conversations.history").UsingGet()).RespondWith(Response.Create().WithCallback(History));
    }

    public string Url => _server.Url!;

    /// <summary>How many of the next posts are stored at once but answered only after <see cref="SlowBy"/> (a timeout after Slack stored it).</summary>
    public int SlowAnswers { get; set; }

    public TimeSpan SlowBy { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Posts whose request has arrived, stored or not yet.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Posts received but not yet stored, and stored but not yet answered (the moment a kill lands in).</summary>
    public (int BeforeStore, int AfterStore) InFlight { get; private set; }

    /// <summary>Requests that broke Slack's contract, and history reads, as text.</summary>
    public IReadOnlyList<string> Violations { get { lock (_messages) { return [.. _violations]; } } }

    public int HistoryReads => _server.LogEntries.Count(e => e.RequestMessage!.Path == "/api/conversations.history");

    /// <summary>Every stored message: its ts, its text and its metadata's event_payload (null when it carried none).</summary>
    public IReadOnlyList<(string Ts, string Text, JsonObject? Payload)> Messages
    {
        get { lock (_messages) { return _messages.Select(m => (Ts(m.Micros), m.Text, m.Metadata?["event_payload"] as JsonObject)).ToList(); } }
    }

    public void Dispose() => _server.Dispose();

    private async Task<IResponseMessage> PostAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref _received);
        var body = JsonNode.Parse(request.Body ?? "{}")!.AsObject();
        var problems = SlackContract.ValidateRequest("chat.postMessage", request.Body ?? "{}");
        if (Refused(request, problems) is { } refusal)
        {
            return refusal;
        }

        var ts = await StoreWithDelaysAsync(body);
        var channel = body["channel"]!.GetValue<string>();
        return Json(new JsonObject
        {
            ["ok"] = true, ["channel"] = channel, ["ts"] = ts,
            ["message"] = new JsonObject { ["type"] = "message", ["text"] = body["text"]?.DeepClone(), ["ts"] = ts, ["metadata"] = body["metadata"]?.DeepClone() },
        });
    }

    /// <summary>An incoming webhook: the body as chat.postMessage's without a channel, stored as a post to <see cref="Channel"/>, answered <c>ok</c> in plain text.</summary>
    private async Task<IResponseMessage> WebhookAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref _received);
        var body = JsonNode.Parse(request.Body ?? "{}")!.AsObject();
        var problems = SlackContract.ValidateRequest("chat.postMessage", (request.Body ?? "{}").Insert(1, $"\"channel\":\"{Channel}\","));
        if (problems.Count > 0)
        {
            lock (_messages)
            {
                _violations.AddRange(problems.Select(p => $"{Hook}: {p}"));
            }

            return new ResponseMessage { StatusCode = 400, BodyData = new BodyData { BodyAsString = "invalid_payload", DetectedBodyType = BodyType.String } };
        }

        await StoreWithDelaysAsync(body);
        return new ResponseMessage
        {
            StatusCode = 200, Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("text/plain") },
            BodyData = new BodyData { BodyAsString = "ok", DetectedBodyType = BodyType.String },
        };
    }

    private async Task<string> StoreWithDelaysAsync(JsonObject body)
    {
        if (TakeSlow())
        {
            var stored = Store(body);
            await Task.Delay(SlowBy);
            return stored;
        }

        Track(before: 1, after: 0);
        await Task.Delay(Delay());
        var ts = Store(body);
        Track(before: -1, after: 1);
        await Task.Delay(Delay());
        Track(before: 0, after: -1);
        return ts;
    }

    private IResponseMessage History(IRequestMessage request)
    {
        string? Arg(string name) => request.Query?.TryGetValue(name, out var v) == true ? v.FirstOrDefault() : null;
        var unknown = request.Query?.Keys.Except(["channel", "cursor", "include_all_metadata", "inclusive", "latest", "limit", "oldest", "token"]).ToList() ?? [];
        var limit = int.Parse(Arg("limit") ?? "100", CultureInfo.InvariantCulture);
        if (Refused(request, [.. unknown.Select(u => $"conversations.history: unknown argument {u}"), .. limit is < 1 or > 999 ? ["limit out of 1..999"] : Array.Empty<string>()]) is { } refusal)
        {
            return refusal;
        }

        if (Arg("channel") != Channel)
        {
            return Json(new JsonObject { ["ok"] = false, ["error"] = "channel_not_found" });
        }

        var inclusive = Arg("inclusive") is "true" or "1";
        var oldest = Micros(Arg("oldest") ?? "0");
        var latest = Arg("latest") is { } l ? Micros(l) : long.MaxValue;
        var from = Arg("cursor") is { Length: > 0 } cursor ? long.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(cursor))["next_ts:".Length..], CultureInfo.InvariantCulture) : long.MaxValue;
        List<Stored> window;
        lock (_messages)
        {
            window = _messages.Where(m => (inclusive ? m.Micros >= oldest && m.Micros <= latest : m.Micros > oldest && m.Micros < latest) && m.Micros <= from)
                .OrderByDescending(m => m.Micros).Take(limit + 1).ToList();
        }

        var more = window.Count > limit;
        var metadata = Arg("include_all_metadata") is "true" or "1";
        var answer = new JsonObject
        {
            ["ok"] = true, ["has_more"] = more, ["pin_count"] = 0,
            ["messages"] = new JsonArray([.. window.Take(limit).Select(m => m.AsHistory(metadata))]),
        };
        if (more)
        {
            answer["response_metadata"] = new JsonObject { ["next_cursor"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"next_ts:{window[limit].Micros}")) };
        }

        return Json(answer);
    }

    private ResponseMessage? Refused(IRequestMessage request, IReadOnlyList<string> problems)
    {
        var auth = request.Headers?.TryGetValue("Authorization", out var a) == true ? a.FirstOrDefault() : null;
        if (auth != $"Bearer {Token}")
        {
            return Json(new JsonObject { ["ok"] = false, ["error"] = "invalid_auth" });
        }

        if (problems.Count == 0)
        {
            return null;
        }

        lock (_messages)
        {
            _violations.AddRange(problems.Select(p => $"{request.Path}: {p}"));
        }

        return Json(new JsonObject { ["ok"] = false, ["error"] = "invalid_arguments" });
    }

    private string Store(JsonObject body)
    {
        lock (_messages)
        {
            _lastMicros = Math.Max(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() * 1000, _lastMicros + 1);
            _messages.Add(new Stored(_lastMicros, body["text"]?.GetValue<string>() ?? string.Empty, body["metadata"]?.DeepClone() as JsonObject));
            return Ts(_lastMicros);
        }
    }

    private bool TakeSlow()
    {
        lock (_messages)
        {
            return SlowAnswers-- > 0;
        }
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
        lock (_messages)
        {
            InFlight = (InFlight.BeforeStore + before, InFlight.AfterStore + after);
        }
    }

    private static long Micros(string ts) => (long)(decimal.Parse(ts, CultureInfo.InvariantCulture) * 1_000_000m);

    private static string Ts(long micros) => (micros / 1_000_000m).ToString("0.000000", CultureInfo.InvariantCulture);

    private static ResponseMessage Json(JsonObject body) => new()
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    private sealed record Stored(long Micros, string Text, JsonObject? Metadata)
    {
        public JsonObject AsHistory(bool withMetadata)
        {
            var message = new JsonObject { ["type"] = "message", ["subtype"] = "bot_message", ["bot_id"] = "B0BOT0001", ["app_id"] = "A0APP0001", ["text"] = Text, ["ts"] = Ts(Micros) };
            if (withMetadata && Metadata is not null)
            {
                message["metadata"] = Metadata.DeepClone(); // Slack leaves it out of messages that carry none
            }

            return message;
        }
    }
}
