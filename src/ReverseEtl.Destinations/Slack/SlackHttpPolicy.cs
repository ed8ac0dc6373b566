using System.Net;
using System.Text.Json;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Slack: 429 carries <c>Retry-After</c> (seconds), which also pauses every sync on the token; 5xx is retried.
/// A <c>chat.postMessage</c> that timed out or met a 5xx is not repeated, since Slack posts are not idempotent.
/// Pace: each <c>chat.postMessage</c> keeps one post a second per channel (Slack's special tier), so posts to different
/// channels go side by side; <c>users.lookupByEmail</c>, <c>conversations.open</c> and <c>conversations.history</c> keep
/// Tier 3 (50 a minute each) and <c>conversations.list</c> Tier 2 (20 a minute); all of them within the token's
/// workspace-wide cap, 300 calls a minute unless <c>rate_limit</c> says otherwise (Slack documents "several hundred
/// messages a minute" per workspace, without a number). A channel named two ways (name and id) counts as two.
/// </summary>
internal sealed class SlackHttpPolicy : VendorHttpPolicy
{
    public override string Vendor => "slack";

    public override RateLimit DefaultRateLimit { get; } = new(300, TimeSpan.FromMinutes(1));

    public override string Title => "Slack";

    public override bool IsIdempotent(HttpRequestMessage request) => !IsPost(request?.RequestUri);

    /// <summary>Whether <paramref name="url"/> is <c>chat.postMessage</c>, the one call that is not idempotent.</summary>
    public static bool IsPost(Uri? url) => url?.AbsolutePath.EndsWith("/chat.postMessage", StringComparison.Ordinal) == true;

    public override ValueTask<VendorQuota?> QuotaAsync(HttpResponseMessage response, TimeProvider time) =>
        ValueTask.FromResult(Is(response, HttpStatusCode.TooManyRequests) && RetryAfter(response, time) is { } wait
            ? new VendorQuota { PauseUntil = time.GetUtcNow() + wait }
            : null);

    public override async ValueTask<IReadOnlyList<PaceLane>> LanesAsync(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.RequestUri?.AbsolutePath is { } path ? path[(path.LastIndexOf('/') + 1)..] : string.Empty;
        return method switch
        {
            "chat.postMessage" => [new PaceLane($"{method} {await ChannelAsync(request)}", PerChannel)],
            "users.lookupByEmail" or "conversations.open" or "conversations.history" => [new PaceLane(method, Tier3)],
            "conversations.list" => [new PaceLane(method, Tier2)],
            _ => [],
        };
    }

    private static readonly RateLimit PerChannel = new(1, TimeSpan.FromSeconds(1));
    private static readonly RateLimit Tier3 = new(50, TimeSpan.FromMinutes(1));
    private static readonly RateLimit Tier2 = new(20, TimeSpan.FromMinutes(1));

    // The channel of a post, from its JSON body (buffered, so it is still sent as it is).
    private static async Task<string> ChannelAsync(HttpRequestMessage request)
    {
        if (request.Content is null)
        {
            return string.Empty;
        }

        await request.Content.LoadIntoBufferAsync();
        try
        {
            using var body = JsonDocument.Parse(await request.Content.ReadAsStreamAsync());
            return body.RootElement.TryGetProperty("channel", out var channel) && channel.ValueKind == JsonValueKind.String ? channel.GetString()! : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }
}
