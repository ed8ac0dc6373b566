using System.Globalization;
using System.Text.Json.Nodes;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// HubSpot's batch upsert behind its rolling limit (destination-apis.md): at most <see cref="Limit"/> requests per token in
/// any rolling 10 s, then 429 <c>TEN_SECONDLY_ROLLING</c> without Retry-After; batches of up to 100 records.
/// </summary>
internal sealed class HubSpotStandIn(params string[] properties) : VendorStandIn
{
    public const int Limit = 100;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly Queue<TimeSpan> _accepted = new();

    public override double Ceiling => Limit * 100 / Window.TotalSeconds;

    public override TimeSpan IdealSpan(long records) => Window * Math.Max(0, Math.Ceiling(Math.Ceiling(records / 100.0) / Limit) - 1);

    protected override StandInAnswer Answer(string method, string path, string? token, string body, out int accepted)
    {
        accepted = 0;
        while (_accepted.TryPeek(out var first) && Now - first >= Window)
        {
            _accepted.Dequeue();
        }

        if (_accepted.Count >= Limit)
        {
            return new(429, """{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c0ffee00-0000-4000-8000-000000000001","policyName":"TEN_SECONDLY_ROLLING","requestId":"r-1"}""");
        }

        _accepted.Enqueue(Now);
        var headers = new Dictionary<string, string>
        {
            ["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000", ["X-HubSpot-RateLimit-Max"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["X-HubSpot-RateLimit-Remaining"] = (Limit - _accepted.Count).ToString(CultureInfo.InvariantCulture),
        };
        if (method == "GET")
        {
            var list = new JsonArray(properties.Select(p => (JsonNode)new JsonObject { ["name"] = p, ["label"] = p, ["type"] = "string", ["fieldType"] = "text", ["groupName"] = "companyinformation" }).ToArray());
            return new(200, new JsonObject { ["results"] = list }.ToJsonString(), headers);
        }

        var results = new JsonArray();
        foreach (var input in JsonNode.Parse(body)!["inputs"]!.AsArray())
        {
            results.Add(new JsonObject { ["id"] = "9" + results.Count, ["properties"] = input!["properties"]!.DeepClone(), ["objectWriteTraceId"] = input["objectWriteTraceId"]?.DeepClone(), ["createdAt"] = "2026-11-30T00:00:00Z", ["updatedAt"] = "2026-11-30T00:00:00Z", ["archived"] = false, ["new"] = true });
        }

        accepted = results.Count;
        return new(200, new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["startedAt"] = "2026-11-30T00:00:00Z", ["completedAt"] = "2026-11-30T00:00:01Z" }.ToJsonString(), headers);
    }
}

/// <summary>
/// Intercom's data events behind its limit (destination-apis.md): 10,000 calls a minute per app, spread over fixed 10 s
/// windows (1,667 each), with <c>X-RateLimit-Limit/-Remaining/-Reset</c>; past it, 429 <c>rate_limit_exceeded</c>.
/// </summary>
internal sealed class IntercomStandIn : VendorStandIn
{
    public const int Limit = 1_667;
    private long _window = -1;
    private int _used;

    public override double Ceiling => Limit / 10.0;

    public override TimeSpan IdealSpan(long records) => TimeSpan.FromSeconds(10 * Math.Max(0, Math.Ceiling(records / (double)Limit) - 1));

    protected override StandInAnswer Answer(string method, string path, string? token, string body, out int accepted)
    {
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        (_window, _used) = now / 10 == _window ? (_window, _used) : (now / 10, 0);
        var reset = ((_window + 1) * 10).ToString(CultureInfo.InvariantCulture);
        if (_used >= Limit)
        {
            accepted = 0;
            return new(429, $$"""{"type":"error.list","request_id":"r-1","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit of {{Limit}} in 10_seconds"}]}""",
                new Dictionary<string, string> { ["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture), ["X-RateLimit-Remaining"] = "0", ["X-RateLimit-Reset"] = reset });
        }

        _used++;
        accepted = 1;
        return new(202, null, new Dictionary<string, string>
        {
            ["X-RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture), ["X-RateLimit-Remaining"] = (Limit - _used).ToString(CultureInfo.InvariantCulture), ["X-RateLimit-Reset"] = reset,
        });
    }
}

/// <summary>
/// Slack's <c>chat.postMessage</c> at its "special" tier (destination-apis.md): one message per second per channel; past
/// it, 429 with <c>Retry-After: 1</c> and <c>ratelimited</c>.
/// </summary>
internal sealed class SlackStandIn(int channels) : VendorStandIn
{
    private readonly Dictionary<string, TimeSpan> _last = new(StringComparer.Ordinal);

    public override double Ceiling => channels;

    public override TimeSpan IdealSpan(long records) => TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling(records / (double)channels) - 1));

    protected override StandInAnswer Answer(string method, string path, string? token, string body, out int accepted)
    {
        accepted = 0;
        var channel = JsonNode.Parse(body)?["channel"]?.GetValue<string>() ?? string.Empty;
        if (_last.TryGetValue(channel, out var last) && Now - last < TimeSpan.FromSeconds(1))
        {
            return new(429, """{"ok":false,"error":"ratelimited"}""", new Dictionary<string, string> { ["Retry-After"] = "1" });
        }

        _last[channel] = Now;
        accepted = 1;
        var ts = (1_764_460_800 + Records).ToString(CultureInfo.InvariantCulture) + ".000100";
        return new(200, new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = new JsonObject { ["type"] = "message", ["text"] = string.Empty, ["ts"] = ts } }.ToJsonString());
    }
}
