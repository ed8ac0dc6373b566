using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The <c>slack_webhook</c> connection section: the secret <c>url</c>, and the shared <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record SlackWebhookConnectionOptions(Uri? Url, HttpConnectionOptions Http)
{
    public static SlackWebhookConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) =>
        new(HttpConnectionOptions.Url(connection.Options, "url", problems), HttpConnectionOptions.From(connection.Options, "https://hooks.slack.com", problems));
}
