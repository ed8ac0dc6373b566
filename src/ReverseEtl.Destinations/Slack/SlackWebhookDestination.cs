using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

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
    [property: System.Text.Json.Serialization.JsonPropertyName("unfurl_links")] bool? UnfurlLinks = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("unfurl_media")] bool? UnfurlMedia = null);

/// <summary>One incoming webhook: its client (through <see cref="DestinationHttp"/>). The URL is the secret: it is never logged.</summary>
internal sealed class SlackWebhookDestination : IDestination
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly ITemplateCompiler _templates;
    private readonly ISlackWebhookApi _api;

    public SlackWebhookDestination(ConnectionSettings connection, SlackWebhookConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger)
    {
        (_connection, _templates) = (connection, templates);
        var url = options.Url ?? new Uri("https://hooks.slack.com/services/dry-run");
        var spec = new VendorApiSpec(new SlackWebhookHttpPolicy(), options.Url?.ToString(), options.Http, url, Answer, Json, BearerToken: false);
        (_api, DryRunOutboxPath) = http.CreateApi<ISlackWebhookApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems, needsRecipient: false);
        return problems.Count == 0
            ? new SlackWebhookWriter(_connection.Name, _api, template)
            : throw DestinationConnector.Invalid(sync, problems);
    }

    private static HttpResponseMessage Answer(HttpRequestMessage request, JsonNode? body) =>
        new(HttpStatusCode.OK) { Content = new StringContent("ok", Encoding.UTF8, "text/plain") };
}
