using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The <c>slack_webhook</c> connection section: the secret <c>url</c>, and the shared <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record SlackWebhookConnectionOptions(Uri? Url, HttpConnectionOptions Http)
{
    public static SlackWebhookConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) =>
        new(HttpConnectionOptions.Url(connection.Options, "url", problems), HttpConnectionOptions.From(connection.Options, "https://hooks.slack.com", problems));
}

/// <summary>What a <c>slack_webhook</c> sync does with a record whose earlier post has no known outcome: a webhook's channel cannot be read back.</summary>
public enum SlackWebhookDelivery
{
    /// <summary><c>at_least_once</c> (the default): post it again; it may then appear twice.</summary>
    AtLeastOnce,

    /// <summary><c>at_most_once</c>: count it as delivered without posting, with a warning; it may then never appear.</summary>
    AtMostOnce,
}

/// <summary>The options of a sync's <c>slack_webhook</c> section beyond its message: <c>delivery</c>.</summary>
public sealed record SlackWebhookSyncOptions(SlackWebhookDelivery Delivery)
{
    public const string AtLeastOnce = "at_least_once";
    public const string AtMostOnce = "at_most_once";

    public static SlackWebhookSyncOptions From(SyncSettings sync, List<ConfigProblem> problems) =>
        HttpConnectionOptions.Text(sync.Options, "delivery") switch
        {
            null or AtLeastOnce => new(SlackWebhookDelivery.AtLeastOnce),
            AtMostOnce => new(SlackWebhookDelivery.AtMostOnce),
            var other => Problem(problems, other),
        };

    private static SlackWebhookSyncOptions Problem(List<ConfigProblem> problems, string value)
    {
        problems.Add(new ConfigProblem("delivery", $"'{value}' is not a delivery; use {AtLeastOnce} (post again a message whose earlier post has no known outcome) or {AtMostOnce} (count it as delivered)"));
        return new(SlackWebhookDelivery.AtLeastOnce);
    }
}
