using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Posts alerts to a Slack channel with <c>chat.postMessage</c> through a <c>slack</c> connection (its token, pace,
/// retries and dry-run outbox, as its syncs), or to an incoming webhook (a client of its own, <c>alerts.NAME</c>, whose
/// dry run writes <c>outbox/alerts.NAME.jsonl</c>). One client per connection or webhook, made on first use.
/// </summary>
public sealed class SlackAlertSender(DestinationHttp http, ILoggerFactory loggers) : IAlertSender
{
    private static readonly JsonSerializerOptions SlackJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly JsonSerializerOptions WebhookJson = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private readonly ConcurrentDictionary<string, Lazy<object>> _apis = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger<SlackAlertSender>();

    public Task<AlertDelivery> SendAsync(AlertTarget target, AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return target switch
        {
            SlackChannelAlertTarget slack => PostAsync(slack, message, cancellationToken),
            WebhookAlertTarget webhook => PostAsync(webhook, message, cancellationToken),
            _ => throw new ArgumentException($"No sender for alert targets of type {target?.GetType().Name}.", nameof(target)),
        };
    }

    private async Task<AlertDelivery> PostAsync(SlackChannelAlertTarget target, AlertMessage message, CancellationToken cancellationToken)
    {
        var connection = target.Connection;
        var (api, outbox) = Api(connection.Name, () =>
        {
            var options = SlackConnectionOptions.From(connection);
            return http.CreateApi<ISlackApi>(connection, new VendorApiSpec(new SlackHttpPolicy(), options.Token, options.Http, options.Http.BaseUrl, SlackDryRun.Respond, SlackJson), _logger);
        });
        var response = await Answer(connection.Name, () => api.PostMessageAsync(new SlackPostMessageRequest(target.Channel, SlackAlertLayout.Text(message), SlackAlertLayout.Blocks(message, target.Route)), cancellationToken));
        return response.Ok
            ? new AlertDelivery(outbox)
            : throw new DestinationException($"Slack connection '{connection.Name}': chat.postMessage to {target.Channel} answered '{response.Error}'; {Advice(response.Error, target)}");
    }

    private async Task<AlertDelivery> PostAsync(WebhookAlertTarget target, AlertMessage message, CancellationToken cancellationToken)
    {
        var name = $"alerts.{target.Route}";
        var (api, outbox) = Api(name, () =>
        {
            var connection = new ConnectionSettings(name, "slack_webhook", JsonSerializer.SerializeToElement(new JsonObject()), target.Paths)
            {
                Variables = target.Variable is { } variable ? new Dictionary<string, string> { ["url"] = variable } : new Dictionary<string, string>(),
            };
            var options = HttpConnectionOptions.From(connection.Options, "https://hooks.slack.com");
            var spec = new VendorApiSpec(new SlackWebhookHttpPolicy(), target.Url?.ToString(), options, target.Url ?? new Uri("https://hooks.slack.com/services/dry-run"),
                SlackWebhookDryRun.Respond, WebhookJson, BearerToken: false);
            return http.CreateApi<ISlackWebhookApi>(connection, spec, _logger);
        });
        var response = await api.PostAsync(new SlackWebhookMessage(SlackAlertLayout.Text(message), SlackAlertLayout.Blocks(message, target.Route)), cancellationToken);
        response.EnsureReceived("Slack webhook", name);
        var code = (response.IsSuccessStatusCode ? response.Content : response.ErrorContent())?.Trim() ?? string.Empty;
        return response.Status() == 200
            ? new AlertDelivery(outbox)
            : throw new DestinationException($"alert '{target.Route}': the incoming webhook answered HTTP {response.Status()} '{code}'; check the webhook's URL (read from {target.Variable}): it may be revoked, or its channel archived");
    }

    private VendorApi<TApi> Api<TApi>(string key, Func<VendorApi<TApi>> create) =>
        (VendorApi<TApi>)_apis.GetOrAdd(typeof(TApi).Name + "/" + key, _ => new Lazy<object>(() => create()!)).Value;

    // No answer, or one that is not Slack's (an HTTP error status after retries), is one line naming the connection.
    private static async Task<T> Answer<T>(string connection, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException ex)
        {
            throw new DestinationException($"Slack connection '{connection}': HTTP {(int)ex.StatusCode} from chat.postMessage after retries", ex);
        }
        catch (ApiRequestException ex) when (ex.InnerException is DestinationException clear)
        {
            throw clear;
        }
        catch (ApiRequestException ex)
        {
            var cause = ex.InnerException ?? ex;
            throw new DestinationException($"Slack connection '{connection}': Slack could not be reached after retries ({cause.GetType().Name}: {cause.Message})", ex);
        }
    }

    private static string Advice(string? error, SlackChannelAlertTarget target) => error switch
    {
        "not_in_channel" or "channel_not_found" or "is_archived" => $"invite the app to {target.Channel}, or set the alert's slack.channel to a channel it is in (alert '{target.Route}')",
        "invalid_auth" or "not_authed" or "token_revoked" or "token_expired" or "account_inactive" or "missing_scope" => $"{Credentials.Hint(target.Connection, "token")}; the bot token needs chat:write",
        _ => $"see Slack's chat.postMessage errors (alert '{target.Route}')",
    };
}

public static class SlackAlertServiceCollectionExtensions
{
    /// <summary>Registers the alert sender for Slack channels and incoming webhooks (after <c>AddSlack()</c> and <c>AddSlackWebhook()</c>).</summary>
    public static IServiceCollection AddSlackAlerts(this IServiceCollection services) => services.AddSingleton<IAlertSender, SlackAlertSender>();
}
