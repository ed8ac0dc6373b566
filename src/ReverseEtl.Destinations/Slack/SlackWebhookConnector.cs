using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Slack incoming webhook destination: trigger messages to the webhook's fixed channel, one per record.</summary>
public sealed class SlackWebhookConnector(ITemplateCompiler templates, DestinationHttp http, ILoggerFactory loggers) : DestinationConnector
{
    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "slack_webhook";

    public override string Type => TypeName;

    public override DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Trigger }, MaxBatchSize: 1);

    protected override string SectionHint => "with the message";

    protected override void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems) => SlackWebhookConnectionOptions.From(connection, problems);

    protected override void CheckSync(SyncSettings sync, List<ConfigProblem> problems)
    {
        SlackMessageTemplate.Compile(sync.Options, templates, problems, needsRecipient: false);
        SlackWebhookSyncOptions.From(sync, problems);
    }

    public override IDestination Create(ConnectionSettings connection) =>
        new SlackWebhookDestination(connection, SlackWebhookConnectionOptions.From(connection), templates, http, loggers.CreateLogger<SlackWebhookDestination>());
}

public static class SlackWebhookServiceCollectionExtensions
{
    /// <summary>Registers the <c>slack_webhook</c> destination connector, keyed by its type, and its HTTP client.</summary>
    public static IServiceCollection AddSlackWebhook(this IServiceCollection services) => services
        .AddDestinationHttp(new SlackWebhookHttpPolicy())
        .AddDestinationConnector<SlackWebhookConnector>(SlackWebhookConnector.TypeName);
}
