using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Posts one message per record: to the user found by email (DM), else to the channel. Each post carries the record's
/// delivery key as message metadata; a record whose earlier attempt has no known outcome is posted only when the
/// conversation's history lacks that key (<see cref="SlackHistory"/>).
/// </summary>
internal sealed class SlackWriter(
    string connection, ISlackApi api, SlackMessageTemplate template, ConcurrentDictionary<string, string?> directChannels, SlackChannelIds channelIds, SlackHistory history)
    : OneByOneWriter, IConcurrentSyncWriter
{
    /// <summary>
    /// Messages go side by side, so posts to different channels are not held up by one channel's pace (one a second):
    /// 16 in flight keep many channels busy; the token's pace keeps each channel's and the workspace's limits.
    /// </summary>
    public int MaxConcurrentBatches => 16;

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

            if (await AlreadyPostedAsync(record, channel, cancellationToken) is { } known)
            {
                return known;
            }

            var request = new SlackPostMessageRequest(channel, template.RenderText(record.Payload), template.RenderBlocks(record.Payload),
                template.UnfurlLinks ? true : null, template.UnfurlMedia ? true : null, SlackDeliveryMetadata.For(record.Delivery));
            var response = await api.PostMessageAsync(request, cancellationToken);
            channelIds.Learn(channel, response.Ok ? response.Channel : null);
            return response.Ok ? RecordOutcome.Sent(response.Ts) : SlackErrors.Classify(connection, "chat.postMessage", response.Error);
        }
        catch (ApiException ex) when (ex.StatusCode >= System.Net.HttpStatusCode.InternalServerError && SlackHttpPolicy.IsPost(ex.Uri))
        {
            return RecordOutcome.Unknown($"chat.postMessage: HTTP {(int)ex.StatusCode}; the message may or may not have been posted, so it is not posted again blindly");
        }
        catch (ApiException ex)
        {
            throw new DestinationException($"Slack connection '{connection}': HTTP {(int)ex.StatusCode} from {ex.Uri?.AbsolutePath} after retries", ex);
        }
        catch (ApiRequestException ex) when (ex.InnerException is DestinationException clear)
        {
            // Slack posts are not idempotent: a timed-out post is not repeated; a lookup without an answer stops the run.
            return clear.MayHaveBeenDelivered && SlackHttpPolicy.IsPost(ex.Uri)
                ? RecordOutcome.Unknown($"chat.postMessage: {clear.Message}; the message may or may not have been posted")
                : throw clear;
        }
        catch (ApiRequestException ex)
        {
            var cause = ex.InnerException ?? ex;
            throw new DestinationException($"Slack connection '{connection}': Slack could not be reached after retries ({cause.GetType().Name}: {cause.Message})", ex);
        }
    }

    /// <summary>For a record whose earlier attempt has no known outcome: its message found in the history, or why it could not be looked for; null: post it.</summary>
    private async Task<RecordOutcome?> AlreadyPostedAsync(SyncRecord record, string channel, CancellationToken cancellationToken)
    {
        if (record is not { UnsureSince: { } since, Delivery: { } key })
        {
            return null; // without a delivery key, the earlier attempt carried none either: there is nothing to look for
        }

        var (id, failure) = await channelIds.IdOfAsync(channel, cancellationToken);
        return id is null ? failure : await history.FindAsync(id, key, since, cancellationToken);
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
