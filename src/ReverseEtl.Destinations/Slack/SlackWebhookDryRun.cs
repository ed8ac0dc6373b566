using System.Net;
using System.Text;
using System.Text.Json;

namespace ReverseEtl.Destinations.Slack;

/// <summary>What an incoming webhook answers on success, for the dry-run outbox: 200 with the text <c>ok</c>.</summary>
internal static class SlackWebhookDryRun
{
    public static HttpResponseMessage Respond(HttpRequestMessage request, JsonElement? body) =>
        new(HttpStatusCode.OK) { Content = new StringContent("ok", Encoding.UTF8, "text/plain") };
}
