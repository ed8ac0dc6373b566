using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Slack;

/// <summary>The <c>slack</c> connection section: <c>token</c>, <c>base_url</c>, <c>timeout_seconds</c>.</summary>
public sealed record SlackConnectionOptions(string? Token, Uri BaseUrl, TimeSpan AttemptTimeout)
{
    public const string DefaultBaseUrl = "https://slack.com/api";

    public static SlackConnectionOptions From(ConnectionSettings connection, List<ConfigProblem>? problems = null)
    {
        var o = connection.Options;
        var token = o.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var baseText = o.TryGetProperty("base_url", out var b) ? b.GetString()! : DefaultBaseUrl;
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            problems?.Add(new ConfigProblem("base_url", $"'{baseText}' is not an absolute http(s) URL"));
            baseUrl = new Uri(DefaultBaseUrl);
        }

        var seconds = o.TryGetProperty("timeout_seconds", out var s) ? s.GetDouble() : 30;
        return new SlackConnectionOptions(string.IsNullOrWhiteSpace(token) ? null : token.Trim(), baseUrl, TimeSpan.FromSeconds(seconds));
    }
}

/// <summary>Slack Web API destination: trigger messages to a user by email (DM) or a channel. One message per record.</summary>
public sealed class SlackConnector(ITemplateCompiler templates, TimeProvider time, ILoggerFactory loggers) : IDestinationConnector
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
        new SlackDestination(connection, SlackConnectionOptions.From(connection), templates, time, loggers.CreateLogger<SlackDestination>());
}

public static class SlackServiceCollectionExtensions
{
    /// <summary>Registers the <c>slack</c> destination connector.</summary>
    public static IServiceCollection AddSlack(this IServiceCollection services) =>
        services.AddSingleton<IDestinationConnector, SlackConnector>();
}
