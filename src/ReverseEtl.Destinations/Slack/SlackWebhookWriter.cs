using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// One message per record. Errors are plain-text codes: 400 (e.g. <c>invalid_payload</c>, <c>no_text</c>) rejects the
/// record; 403, 404 and 410 (<c>invalid_token</c>, <c>no_service</c>, <c>channel_not_found</c>, <c>channel_is_archived</c>)
/// mean the webhook itself is dead, so the run stops with the code. A post that timed out or met a 5xx may have been
/// posted: it is reported as unknown, never posted again blindly. A webhook's channel cannot be read back, so a record
/// whose earlier post has no known outcome follows the sync's <c>delivery</c>: posted again (at least once), or counted
/// as delivered without posting, with a warning (at most once).
/// </summary>
internal sealed partial class SlackWebhookWriter(SlackWebhookWriter.Setting setting, ISlackWebhookApi api, SlackMessageTemplate template) : OneByOneWriter
{
    public override JsonNode Preview(SyncRecord record) => SlackMessageTemplate.OrRejected(() => new JsonObject
    {
        ["text"] = template.RenderText(record.Payload),
        ["blocks"] = template.RenderBlocks(record.Payload),
    });

    protected override async Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        if (record.UnsureSince is { } since && setting.Delivery == SlackWebhookDelivery.AtMostOnce)
        {
            LogCountedWithoutPosting(setting.Logger, setting.Connection, setting.Sync, since);
            return new RecordOutcome(OutcomeStatus.Sent, Message: $"counted as delivered without posting again (delivery: at_most_once): its earlier post from {since:u} has no known outcome");
        }

        var message = new SlackWebhookMessage(template.RenderText(record.Payload), template.RenderBlocks(record.Payload),
            template.UnfurlLinks ? true : null, template.UnfurlMedia ? true : null);
        var response = await api.PostAsync(message, cancellationToken);
        if (!response.IsReceived && response.Error?.InnerException is DestinationException { MayHaveBeenDelivered: true } unsure)
        {
            return RecordOutcome.Unknown($"webhook: {unsure.Message}; the message may or may not have been posted");
        }

        response.EnsureReceived("Slack webhook", setting.Connection);
        var code = (response.IsSuccessStatusCode ? response.Content : response.ErrorContent())?.Trim() ?? string.Empty;
        return response.Status() switch
        {
            200 => RecordOutcome.Sent(null),
            400 => RecordOutcome.Permanent($"webhook: {code}"),
            >= 500 => RecordOutcome.Unknown($"webhook: HTTP {response.Status()} '{code}'; the message may or may not have been posted, so it is not posted again blindly"),
            403 or 404 or 410 => throw new DestinationException($"Slack webhook connection '{setting.Connection}': the webhook refused the message with {response.Status()} '{code}'; the webhook is revoked, its channel gone or archived, or posting is not allowed").Refused(),
            _ => throw new DestinationException($"Slack webhook connection '{setting.Connection}': HTTP {response.Status()} '{code}' after retries"),
        };
    }

    [LoggerMessage(2010, LogLevel.Warning, "Slack webhook connection {Connection}, sync {Sync}: a message whose earlier post (at {Since}) has no known outcome is counted as delivered without posting again (delivery: at_most_once); it may never have arrived")]
    private static partial void LogCountedWithoutPosting(ILogger logger, string connection, string sync, DateTimeOffset since);

    /// <summary>The writer's connection and sync names, the sync's <c>delivery</c>, and where its warnings go.</summary>
    internal sealed record Setting(string Connection, string Sync, SlackWebhookDelivery Delivery, ILogger Logger);
}
