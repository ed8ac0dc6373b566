using System.Text.Json.Nodes;
using Polly.Timeout;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// One message per record. Errors are plain-text codes: 400 (e.g. <c>invalid_payload</c>, <c>no_text</c>) rejects the
/// record; 403, 404 and 410 (<c>invalid_token</c>, <c>no_service</c>, <c>channel_not_found</c>, <c>channel_is_archived</c>)
/// mean the webhook itself is dead, so the run stops with the code.
/// </summary>
internal sealed class SlackWebhookWriter(string connection, ISlackWebhookApi api, SlackMessageTemplate template) : OneByOneWriter
{
    public override JsonNode Preview(SyncRecord record) => SlackMessageTemplate.OrRejected(() => new JsonObject
    {
        ["text"] = template.RenderText(record.Payload),
        ["blocks"] = template.RenderBlocks(record.Payload),
    });

    protected override async Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        var message = new SlackWebhookMessage(template.RenderText(record.Payload), template.RenderBlocks(record.Payload),
            template.UnfurlLinks ? true : null, template.UnfurlMedia ? true : null);
        var response = await api.PostAsync(message, cancellationToken);
        if (!response.IsReceived && response.Error?.InnerException is TimeoutRejectedException)
        {
            return RecordOutcome.Retryable("timed out waiting for Slack; the message may or may not have been posted");
        }

        response.EnsureReceived("Slack webhook", connection);
        var code = (response.IsSuccessStatusCode ? response.Content : response.ErrorContent())?.Trim() ?? string.Empty;
        return response.Status() switch
        {
            200 => RecordOutcome.Sent(null),
            400 => RecordOutcome.Permanent($"webhook: {code}"),
            403 or 404 or 410 => throw new DestinationException($"Slack webhook connection '{connection}': the webhook refused the message with {response.Status()} '{code}'; the webhook is revoked, its channel gone or archived, or posting is not allowed: check SLACK_WEBHOOK_URL"),
            _ => throw new DestinationException($"Slack webhook connection '{connection}': HTTP {response.Status()} '{code}' after retries"),
        };
    }
}
