using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

/// <summary>Slack Web API destination: trigger messages to a user by email (DM) or a channel. One message per record.</summary>
public sealed class SlackConnector(ITemplateCompiler templates, DestinationHttp http, ILoggerFactory loggers) : IDestinationConnector
{
    public string Type => "slack";

    // One message per batch: each post is recorded as delivered before the next is sent, so a crash can't post twice.
    public DestinationCapabilities Capabilities { get; } = new(new HashSet<SyncMode> { SyncMode.Trigger }, MaxBatchSize: 1);

    public IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection)
    {
        var problems = new List<ConfigProblem>();
        SlackConnectionOptions.From(connection, problems);
        return problems;
    }

    public IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync)
    {
        if (sync.Options.ValueKind != JsonValueKind.Object)
        {
            return [new ConfigProblem(string.Empty, "the sync needs a 'slack' section with the message")];
        }

        var problems = new List<ConfigProblem>();
        SlackMessageTemplate.Compile(sync.Options, templates, problems);
        return problems;
    }

    public IDestination Create(ConnectionSettings connection) =>
        new SlackDestination(connection, SlackConnectionOptions.From(connection), templates, http, loggers.CreateLogger<SlackDestination>());
}

public static class SlackServiceCollectionExtensions
{
    /// <summary>Registers the <c>slack</c> destination connector.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services) => services
        .AddDestinationHttp(new SlackHttpPolicy())
        .AddSingleton<IDestinationConnector, SlackConnector>();
}
