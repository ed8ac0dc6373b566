using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Polly.Timeout;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Posts one message per record: to the user found by email (DM), else to the channel.</summary>
internal sealed class SlackWriter(string connection, ISlackApi api, SlackMessageTemplate template, ConcurrentDictionary<string, string?> directChannels) : OneByOneWriter
{
    public override JsonNode Preview(SyncRecord record) => SlackMessageTemplate.OrRejected(() => new JsonObject
    {
        ["user_email"] = template.Render("user_email", record.Payload),
        ["channel"] = template.Render("channel", record.Payload),
        ["text"] = template.RenderText(record.Payload),
        ["blocks"] = template.RenderBlocks(record.Payload),
    });

    protected override async Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        try
        {
            var (channel, failure) = await ResolveChannelAsync(record.Payload, cancellationToken);
            if (channel is null)
            {
                return failure!;
            }

            var request = new SlackPostMessageRequest(channel, template.RenderText(record.Payload), template.RenderBlocks(record.Payload),
                template.UnfurlLinks ? true : null, template.UnfurlMedia ? true : null);
            var response = await api.PostMessageAsync(request, cancellationToken);
            return response.Ok ? RecordOutcome.Sent(response.Ts) : SlackErrors.Classify(connection, "chat.postMessage", response.Error);
        }
        catch (ApiException ex)
        {
            throw new DestinationException($"Slack connection '{connection}': HTTP {(int)ex.StatusCode} from {ex.Uri?.AbsolutePath} after retries", ex);
        }
        catch (ApiRequestException ex) when (ex.InnerException is TimeoutRejectedException)
        {
            // Slack posts are not idempotent: a timed-out post is not repeated in this run; the next run sends it.
            return RecordOutcome.Retryable("timed out waiting for Slack; the message may or may not have been posted");
        }
        catch (ApiRequestException ex)
        {
            var cause = ex.InnerException ?? ex;
            throw new DestinationException($"Slack connection '{connection}': Slack could not be reached after retries ({cause.GetType().Name}: {cause.Message})", ex);
        }
    }

    private async Task<(string? Channel, RecordOutcome? Failure)> ResolveChannelAsync(IReadOnlyDictionary<string, object?> row, CancellationToken cancellationToken)
    {
        var fallback = template.Render("channel", row);
        var email = template.Render("user_email", row);
        if (!string.IsNullOrEmpty(email))
        {
            if (directChannels.TryGetValue(email, out var cached))
            {
                return (cached ?? NullIfEmpty(fallback), cached is null && string.IsNullOrEmpty(fallback) ? NoRecipient("no Slack user has that email") : null);
            }

            var lookup = await api.LookupByEmailAsync(email, cancellationToken);
            if (!lookup.Ok && lookup.Error is not ("users_not_found" or "user_not_found"))
            {
                return (null, SlackErrors.Classify(connection, "users.lookupByEmail", lookup.Error));
            }

            string? direct = null;
            if (lookup.User is { } user)
            {
                var open = await api.OpenConversationAsync(new SlackOpenRequest(user.Id), cancellationToken);
                if (!open.Ok)
                {
                    return (null, SlackErrors.Classify(connection, "conversations.open", open.Error));
                }

                direct = open.Channel?.Id;
            }

            directChannels[email] = direct;
            if (direct is not null)
            {
                return (direct, null);
            }
        }

        return string.IsNullOrEmpty(fallback) ? (null, NoRecipient("user_email matched no Slack user or rendered empty")) : (fallback, null);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static RecordOutcome NoRecipient(string why) => RecordOutcome.Permanent($"no recipient: {why}, and 'channel' is not set or rendered empty");
}
