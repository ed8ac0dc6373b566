using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The <c>slack_webhook</c> connection section: the secret <c>url</c>, and the shared <c>timeout_seconds</c>, <c>rate_limit</c>.</summary>
public sealed record SlackWebhookConnectionOptions(Uri? Url, HttpConnectionOptions Http)
{
    public static SlackWebhookConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null) =>
        new(HttpConnectionOptions.Url(connection.Options, "url", problems), HttpConnectionOptions.From(connection.Options, "https://hooks.slack.com", problems));
}

/// <summary>Slack incoming webhook destination: trigger messages to the webhook's fixed channel, one per record.</summary>
public sealed class SlackWebhookConnector(ITemplateCompiler templates, DestinationHttp http, ILoggerFactory loggers) : IDestinationConnector
{
    public string Type => "slack_webhook";

    public DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Trigger }, MaxBatchSize: 1);

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        SlackWebhookConnectionOptions.From(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, "the sync needs a 'slack_webhook' section with the message")];
        }

        var problems = new List<ConfigProblem>();
        SlackMessageTemplate.Compile(sync.Options, templates, problems, needsRecipient: false);
        return problems;
    }

    public IDestination Create(ConnectionSettings connection) =>
        new SlackWebhookDestination(connection, SlackWebhookConnectionOptions.From(connection), templates, http, loggers.CreateLogger<SlackWebhookDestination>());
}

public static class SlackWebhookServiceCollectionExtensions
{
    /// <summary>Registers the <c>slack_webhook</c> destination connector and its HTTP client.</summary>
    public static IServiceCollection AddSlackWebhook(this IServiceCollection services) => services
        .AddDestinationHttp(new SlackWebhookHttpPolicy())
        .AddSingleton<IDestinationConnector, SlackWebhookConnector>();
}
