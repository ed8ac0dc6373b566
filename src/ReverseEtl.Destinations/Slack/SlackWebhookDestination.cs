using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>One incoming webhook: its client (through <see cref="DestinationHttp"/>). The URL is the secret: it is never logged.</summary>
internal sealed class SlackWebhookDestination : IDestination
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConnectionSettings _connection;
    private readonly ITemplateCompiler _templates;
    private readonly ISlackWebhookApi _api;
    private readonly ILogger _logger;

    public SlackWebhookDestination(ConnectionSettings connection, SlackWebhookConnectionOptions options, ITemplateCompiler templates, DestinationHttp http, ILogger logger)
    {
        (_connection, _templates, _logger) = (connection, templates, logger);
        var url = options.Url ?? new Uri("https://hooks.slack.com/services/dry-run");
        var spec = new VendorApiSpec(new SlackWebhookHttpPolicy(), options.Url?.ToString(), options.Http, url, SlackWebhookDryRun.Respond, Json, BearerToken: false);
        (_api, DryRunOutboxPath) = http.CreateApi<ISlackWebhookApi>(connection, spec, logger);
    }

    public string? DryRunOutboxPath { get; }

    public ISyncWriter CreateWriter(SyncSettings sync)
    {
        var problems = new List<ConfigProblem>();
        var template = SlackMessageTemplate.Compile(sync.Options, _templates, problems, needsRecipient: false);
        var options = SlackWebhookSyncOptions.From(sync, problems);
        return problems.Count == 0
            ? Credentials.Checked(new SlackWebhookWriter(new(_connection.Name, sync.Name, options.Delivery, _logger), _api, template), _connection, "url")
            : throw DestinationConnector.Invalid(sync, problems);
    }
}
