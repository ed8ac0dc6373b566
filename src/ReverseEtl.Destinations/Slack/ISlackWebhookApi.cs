using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Refit;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Posts to an incoming webhook's URL; the channel is fixed by the webhook.</summary>
internal interface ISlackWebhookApi
{
    [Post("")]
    Task<IApiResponse<string>> PostAsync([Body] SlackWebhookMessage message, CancellationToken cancellationToken);
}

internal sealed record SlackWebhookMessage(
    string Text,
    JsonArray? Blocks = null,
    [property: JsonPropertyName("unfurl_links")] bool? UnfurlLinks = null,
    [property: JsonPropertyName("unfurl_media")] bool? UnfurlMedia = null);
