using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Slack Web API destination: trigger messages to a user by email (DM) or a channel. One message per record.</summary>
public sealed class SlackConnector(ITemplateCompiler templates, DestinationHttp http, ILoggerFactory loggers, TimeProvider time) : DestinationConnector
{
    /// <summary>The connection <c>type</c> in the YAML, and the connector's service key.</summary>
    public const string TypeName = "slack";

    public override string Type => TypeName;

    // One message per batch: each post is recorded as delivered before the next is sent, so a crash can't post twice.
    public override DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Trigger }, MaxBatchSize: 1);

    protected override string SectionHint => "with the message";

    protected override void CheckConnection(ConnectionSettings connection, List<ConfigProblem> problems) => SlackConnectionOptions.From(connection, problems);

    protected override void CheckSync(SyncSettings sync, List<ConfigProblem> problems) => SlackMessageTemplate.Compile(sync.Options, templates, problems);

    public override IDestination Create(ConnectionSettings connection) =>
        new SlackDestination(connection, SlackConnectionOptions.From(connection), templates, http, loggers.CreateLogger<SlackDestination>(), time);
}

public static class SlackServiceCollectionExtensions
{
    /// <summary>Registers the <c>slack</c> destination connector, keyed by its type, and its HTTP client.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services) => services
        .AddDestinationHttp(new SlackHttpPolicy())
        .AddDestinationConnector<SlackConnector>(SlackConnector.TypeName);
}
