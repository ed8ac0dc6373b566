using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The <c>slack</c> connection section: <c>token</c>, and the shared <c>base_url</c>, <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record SlackConnectionOptions(string? Token, HttpConnectionOptions Http)
{
    public const string DefaultBaseUrl = "https://slack.com/api";

    public static SlackConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) =>
        new(HttpConnectionOptions.Text(connection.Options, "token"), HttpConnectionOptions.From(connection.Options, DefaultBaseUrl, problems));
}
