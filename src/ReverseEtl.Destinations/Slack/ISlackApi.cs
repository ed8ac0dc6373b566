using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The Slack Web API methods the destination calls. Every answer carries <c>ok</c>; HTTP 200 does not mean success.</summary>
public interface ISlackApi
{
    [Post("/chat.postMessage")]
    Task<SlackPostMessageResponse> PostMessageAsync([Body] SlackPostMessageRequest request, CancellationToken cancellationToken);

    [Get("/users.lookupByEmail")]
    Task<SlackLookupResponse> LookupByEmailAsync([AliasAs("email")] string email, CancellationToken cancellationToken);

    [Post("/conversations.open")]
    Task<SlackOpenResponse> OpenConversationAsync([Body] SlackOpenRequest request, CancellationToken cancellationToken);
}

public sealed record SlackPostMessageRequest(
    string Channel,
    string Text,
    JsonArray? Blocks = null,
    [property: JsonPropertyName("unfurl_links")] bool? UnfurlLinks = null,
    [property: JsonPropertyName("unfurl_media")] bool? UnfurlMedia = null);

public sealed record SlackOpenRequest(string Users);

public abstract record SlackResponse
{
    public bool Ok { get; init; }

    public string? Error { get; init; }
}

public sealed record SlackPostMessageResponse(string? Channel, string? Ts) : SlackResponse;

public sealed record SlackLookupResponse(SlackUser? User) : SlackResponse;

public sealed record SlackUser(string Id);

public sealed record SlackOpenResponse(SlackChannel? Channel) : SlackResponse;

public sealed record SlackChannel(string Id);
