using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// The conversation id whose history holds a post: <c>conversations.history</c> takes only ids, while a sync may post
/// to a channel name. An id (<c>C…</c>, <c>G…</c>, <c>D…</c>) is itself; a user id (<c>U…</c>, <c>W…</c>) is its DM,
/// opened with <c>conversations.open</c>; a name is looked up in <c>conversations.list</c> (public and private channels,
/// at most <see cref="MaxPages"/> pages of <see cref="PageSize"/>), and names learnt from posts or lists are cached per
/// connection. Only records of unknown outcome need this.
/// </summary>
internal sealed partial class SlackChannelIds(string connection, ISlackApi api, ConcurrentDictionary<string, string> byName, bool dryRun)
{
    public const int PageSize = 1000;
    public const int MaxPages = 10;

    /// <summary>Notes the id Slack answered a post to <paramref name="channel"/> with, so a later check needs no lookup.</summary>
    public void Learn(string channel, string? id)
    {
        if (id is not null && ConversationId().IsMatch(id) && !ConversationId().IsMatch(channel))
        {
            byName[Name(channel)] = id;
        }
    }

    public async Task<(string? Id, RecordOutcome? Failure)> IdOfAsync(string channel, CancellationToken cancellationToken)
    {
        if (ConversationId().IsMatch(channel))
        {
            return (channel, null);
        }

        if (UserId().IsMatch(channel))
        {
            var open = await api.OpenConversationAsync(new SlackOpenRequest(channel), cancellationToken);
            return open.Ok && open.Channel is { } dm ? (dm.Id, null) : (null, SlackErrors.Classify(connection, "conversations.open", open.Error));
        }

        var name = Name(channel);
        if (dryRun)
        {
            return (byName.GetOrAdd(name, n => "C" + SlackDryRun.Code(n)), null); // the dry run's channels are ids made from their names
        }

        return byName.TryGetValue(name, out var known) ? (known, null) : await ListAsync(channel, name, cancellationToken);
    }

    private async Task<(string? Id, RecordOutcome? Failure)> ListAsync(string channel, string name, CancellationToken cancellationToken)
    {
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var list = await api.ListChannelsAsync(new SlackChannelListQuery(PageSize, cursor), cancellationToken);
            if (!list.Ok)
            {
                return (null, RecordOutcome.Permanent(
                    $"Slack connection '{connection}': could not look up the id of channel '{channel}' to check whether an earlier post of unknown outcome arrived "
                    + $"(conversations.list: {list.Error}{(list.Needed is null ? string.Empty : $", needed {list.Needed}")}); it was not posted again. "
                    + "Add the scopes channels:read and groups:read to the Slack app, or write the channel's id (C…) in 'channel', then retry the record"));
            }

            foreach (var found in list.Channels ?? [])
            {
                if (found.Name is { } listed)
                {
                    byName[listed] = found.Id;
                }
            }

            if (byName.TryGetValue(name, out var id))
            {
                return (id, null);
            }

            cursor = list.ResponseMetadata?.NextCursor;
            if (string.IsNullOrEmpty(cursor))
            {
                break;
            }
        }

        return (null, RecordOutcome.Permanent(
            $"Slack connection '{connection}': channel '{channel}' is not among the channels the app can list, so whether an earlier post of unknown outcome arrived cannot be checked; "
            + "it was not posted again. Write the channel's id (C…) in 'channel', or invite the app to the channel, then retry the record"));
    }

    private static string Name(string channel) => channel.TrimStart('#');

    [GeneratedRegex("^[CGD][A-Z0-9]{2,}$")]
    private static partial Regex ConversationId();

    [GeneratedRegex("^[UW][A-Z0-9]{2,}$")]
    private static partial Regex UserId();
}
