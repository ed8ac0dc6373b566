using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>One Slack workspace connection: its API client (through <see cref="DestinationHttp"/>) and its DM cache.</summary>
internal sealed class SlackDestination : IDestination
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly ITemplateCompiler _templates;
    private readonly TimeProvider _time;
    private readonly ISlackApi _api;
    private readonly ConcurrentDictionary<string, string?> _directChannels = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _channelIds = new(StringComparer.Ordinal);

    public SlackDestination(ConnectionSettings connection, SlackConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger, TimeProvider time)
    {
        (_connection, _templates, _time) = (connection, templates, time);
        var spec = new VendorApiSpec(new SlackHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, SlackDryRun.Respond, Json);
        (_api, DryRunOutboxPath) = http.CreateApi<ISlackApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems);
        if (problems.Count > 0)
        {
            throw DestinationConnector.Invalid(sync, problems);
        }

        var channelIds = new SlackChannelIds(_connection.Name, _api, _channelIds, dryRun: DryRunOutboxPath is not null);
        var writer = new SlackWriter(_connection.Name, _api, template, _directChannels, channelIds, new SlackHistory(_connection.Name, _api, _time));
        return Credentials.Checked(writer, _connection, "token");
    }
}
