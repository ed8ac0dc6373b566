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
    private readonly ISlackApi _api;
    private readonly ConcurrentDictionary<string, string?> _directChannels = new(StringComparer.OrdinalIgnoreCase);

    public SlackDestination(ConnectionSettings connection, SlackConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger)
    {
        (_connection, _templates) = (connection, templates);
        var spec = new VendorApiSpec(new SlackHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, SlackDryRun.Respond, Json);
        (_api, DryRunOutboxPath) = http.CreateApi<ISlackApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems);
        return problems.Count == 0
            ? Credentials.Checked(new SlackWriter(_connection.Name, _api, template, _directChannels), _connection, "token")
            : throw DestinationConnector.Invalid(sync, problems);
    }
}
