using System.Collections.Concurrent;
using System.Globalization;
using Polly.Timeout;
using Refit;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// Finds whether a post of unknown outcome arrived: reads the conversation's history with its metadata
/// (<c>conversations.history</c>, <c>include_all_metadata</c>) over a bounded window and looks for the send's delivery
/// key. The window runs from <see cref="Before"/> before the attempt (clock skew) to <see cref="Window"/> after it; a
/// post of that attempt is looked for up to <see cref="After"/> after it, so one read also answers every later record
/// of the same conversation whose attempt started within <see cref="Window"/> − <see cref="After"/> of the first
/// (typically all records of one failed run). At most <see cref="MaxPages"/> pages of <see cref="PageSize"/> messages
/// are read; a window holding more cannot be checked, and the record fails permanently rather than post twice.
/// The window ends no later than now. One instance per writer (one run of one sync): reads are kept for the run.
/// </summary>
internal sealed class SlackHistory(string connection, ISlackApi api, TimeProvider time)
{
    public static readonly TimeSpan Before = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan After = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);
    public const int PageSize = 100;
    public const int MaxPages = 10;

    private readonly ConcurrentDictionary<string, Read> _reads = new(StringComparer.Ordinal);

    /// <summary>Sent with the found message's ts; a failure when the history cannot be read; null when the key is not there (post it).</summary>
    public async Task<RecordOutcome?> FindAsync(string channel, DeliveryKey key, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (!_reads.TryGetValue(channel, out var read) || !read.Covers(since))
        {
            _reads[channel] = read = await ReadAsync(channel, since, cancellationToken);
        }

        if (read.Found.TryGetValue(SlackDeliveryMetadata.Identity(key), out var ts))
        {
            return RecordOutcome.Sent(ts);
        }

        return read.Failure ?? (read.Complete ? null : RecordOutcome.Permanent(
            $"Slack connection '{connection}': {channel} holds more messages between {read.Oldest:u} and {read.Latest:u} than {MaxPages} pages of history, so whether the post "
            + $"of unknown outcome from {since:u} arrived could not be checked; it was not posted again. Look for it in the channel, then retry or skip the record"));
    }

    private async Task<Read> ReadAsync(string channel, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var read = new Read(since - Before, since + Window);
        // Nothing later than now can be that attempt's, give or take the same clock skew as the start of the window.
        var now = time.GetUtcNow() + Before;
        var latest = Ts(read.Latest < now ? read.Latest : now);
        string? cursor = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var query = new SlackHistoryQuery(channel, Ts(read.Oldest), latest, PageSize, cursor);
            var answer = await CallAsync(query, cancellationToken);
            if (answer is not { Ok: true })
            {
                return read with { Failure = Failed(channel, since, answer) };
            }

            foreach (var message in answer.Messages ?? [])
            {
                if (SlackDeliveryMetadata.IdentityOf(message.Metadata) is { } identity && message.Ts is { } ts)
                {
                    read.Found.TryAdd(identity, ts);
                }
            }

            cursor = answer.ResponseMetadata?.NextCursor;
            if (!answer.HasMore || string.IsNullOrEmpty(cursor))
            {
                return read with { Complete = true };
            }
        }

        return read;
    }

    private async Task<SlackHistoryResponse?> CallAsync(SlackHistoryQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await api.HistoryAsync(query, cancellationToken);
        }
        catch (ApiRequestException ex) when (ex.InnerException is TimeoutRejectedException)
        {
            return null;
        }
    }

    private RecordOutcome Failed(string channel, DateTimeOffset since, SlackHistoryResponse? answer)
    {
        var check = $"could not read the history of {channel} to check whether the post of unknown outcome from {since:u} arrived";
        return answer?.Error switch
        {
            null => RecordOutcome.Retryable($"{check}: Slack did not answer in time; it was not posted again, and is checked again next run"),
            "missing_scope" => RecordOutcome.Permanent(
                $"Slack connection '{connection}': {check} (conversations.history: missing_scope{(answer.Needed is null ? string.Empty : $", needed {answer.Needed}")}); "
                + "it was not posted again. Add the scope channels:history (public channels), groups:history (private channels), im:history (DMs) or "
                + "mpim:history (group DMs) to the Slack app, reinstall it, then retry the record"),
            "not_in_channel" or "channel_not_found" => RecordOutcome.Permanent(
                $"Slack connection '{connection}': {check} (conversations.history: {answer.Error}); it was not posted again. Invite the app to the channel, then retry the record"),
            _ => SlackErrors.Classify(connection, "conversations.history", answer.Error) is { Status: OutcomeStatus.RetryableFailure } retry
                ? RecordOutcome.Retryable($"{check}: {retry.Message}; it was not posted again, and is checked again next run")
                : RecordOutcome.Permanent($"Slack connection '{connection}': {check} (conversations.history: {answer.Error}); it was not posted again. Look for it in the channel, then retry or skip the record"),
        };
    }

    private static string Ts(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>One read of a conversation's history: the window read and the delivery keys found in it, with their messages' ts.</summary>
    private sealed record Read(DateTimeOffset Oldest, DateTimeOffset Latest)
    {
        public Dictionary<string, string> Found { get; } = new(StringComparer.Ordinal);

        public bool Complete { get; init; }

        public RecordOutcome? Failure { get; init; }

        public bool Covers(DateTimeOffset since) => since - Before >= Oldest && since + After <= Latest;
    }
}
