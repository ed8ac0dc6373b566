using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Intercom;

/// <summary>
/// Data events, one call per record. <c>created_at</c> comes from the row, so that a retried event is the same event
/// and Intercom deduplicates it (workspace, user, name, created_at). A user Intercom does not know yet (404) is retried
/// next run: the contact sync may not have created it.
/// </summary>
internal sealed class IntercomEventWriter(string connection, IIntercomApi api, IntercomSyncOptions options) : OneByOneWriter, IConcurrentSyncWriter
{
    /// <summary>
    /// One call per event, so batches go side by side: 32 calls in flight fill 1,667 calls in 10 s at up to 190 ms an
    /// answer; the token's pace keeps the limit. (The contact writer keeps one batch at a time: its find-then-create
    /// and its caches of companies and tags are not made for calls side by side.)
    /// </summary>
    public int MaxConcurrentBatches => 32;

    /// <summary>
    /// Batches of 10, not Intercom's 50: a batch's events are answered one after another, so at the window's pace a batch
    /// of 50 took about 10 s to be stored whole, and a crash sent its answered events again (Intercom drops them as
    /// repeats, but they are requests spent).
    /// </summary>
    public int? MaxBatchSize => 10;

    public override JsonNode Preview(SyncRecord record) => Body(record.Payload);

    protected override async Task<RecordOutcome> WriteOneAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        var body = Body(record.Payload);
        if (body["user_id"] is null || body["created_at"] is null)
        {
            return RecordOutcome.Permanent($"the event needs user_id ('{options.Field("user_id")}') and created_at ('{options.Field("created_at")}', a timestamp); one is empty");
        }

        var answer = await api.CreateEventAsync(body, cancellationToken).ReceivedAsync("Intercom", connection);
        return answer.Status() switch
        {
            202 or 200 => RecordOutcome.Sent(null),
            404 => RecordOutcome.Retryable($"create event: Intercom has no user with user_id '{body["user_id"]}' yet; retried next run"),
            _ => IntercomErrors.Reject(connection, "create event", answer),
        };
    }

    private JsonObject Body(IReadOnlyDictionary<string, object?> row)
    {
        var body = new JsonObject
        {
            ["event_name"] = options.Field("event_name"),
            ["created_at"] = IntercomValues.UnixSeconds(row.GetValueOrDefault(options.Field("created_at")!)),
            ["user_id"] = IntercomValues.Text(row.GetValueOrDefault(options.Field("user_id")!)),
        };
        // Metadata values must be strings (or numbers, dates, links), never null: Intercom refuses the event (422).
        if (IntercomValues.Object(options.Metadata, row, keepNulls: false) is { Count: > 0 } metadata)
        {
            body["metadata"] = metadata;
        }

        return body;
    }
}
