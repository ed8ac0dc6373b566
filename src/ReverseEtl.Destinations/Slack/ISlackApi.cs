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

    [Get("/conversations.history")]
    Task<SlackHistoryResponse> HistoryAsync([Query] SlackHistoryQuery query, CancellationToken cancellationToken);

    [Get("/conversations.list")]
    Task<SlackChannelListResponse> ListChannelsAsync([Query] SlackChannelListQuery query, CancellationToken cancellationToken);
}

public sealed record SlackPostMessageRequest(
    string Channel,
    string Text,
    JsonArray? Blocks = null,
    [property: JsonPropertyName("unfurl_links")] bool? UnfurlLinks = null,
    [property: JsonPropertyName("unfurl_media")] bool? UnfurlMedia = null,
    SlackMessageMetadata? Metadata = null);

/// <summary>Slack message metadata: stored with the message, invisible to people, returned by <c>conversations.history</c> with <c>include_all_metadata</c>.</summary>
public sealed record SlackMessageMetadata(
    [property: JsonPropertyName("event_type")] string? EventType,
    [property: JsonPropertyName("event_payload")] JsonObject? EventPayload);

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

public sealed record SlackChannel(string Id, string? Name = null);

/// <summary>The arguments of <c>conversations.history</c>: times are Unix seconds as text, as Slack writes a <c>ts</c>.</summary>
public sealed record SlackHistoryQuery(
    [property: AliasAs("channel")] string Channel,
    [property: AliasAs("oldest")] string Oldest,
    [property: AliasAs("latest")] string Latest,
    [property: AliasAs("limit")] int Limit,
    [property: AliasAs("cursor")] string? Cursor,
    [property: AliasAs("include_all_metadata")] string IncludeAllMetadata = "true",
    [property: AliasAs("inclusive")] string Inclusive = "true");

public sealed record SlackHistoryResponse(IReadOnlyList<SlackHistoryMessage>? Messages, bool HasMore, SlackResponseMetadata? ResponseMetadata, string? Needed) : SlackResponse;

public sealed record SlackHistoryMessage(string? Ts, SlackMessageMetadata? Metadata);

public sealed record SlackResponseMetadata(string? NextCursor);

/// <summary>The arguments of <c>conversations.list</c>: public and private channels the token can see, archived ones left out.</summary>
public sealed record SlackChannelListQuery(
    [property: AliasAs("limit")] int Limit,
    [property: AliasAs("cursor")] string? Cursor,
    [property: AliasAs("types")] string Types = "public_channel,private_channel",
    [property: AliasAs("exclude_archived")] string ExcludeArchived = "true");

public sealed record SlackChannelListResponse(IReadOnlyList<SlackChannel>? Channels, SlackResponseMetadata? ResponseMetadata, string? Needed) : SlackResponse;
