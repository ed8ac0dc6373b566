using System.Globalization;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>
/// Upserts a batch by external id with <c>allOrNone: false</c>; results come back in order, one per record. Records
/// refused with UNABLE_TO_LOCK_ROW are sent again alone after a jittered pause, twice at most, then left for the next
/// run; other record errors are permanent. A resend that fails keeps the answers of the first call (the batch fails with
/// them: <see cref="DestinationException.Known"/>). After each call the org's API usage (<c>Sforce-Limit-Info</c>) is checked:
/// past <c>usage_limit_percent</c> the sync stops before its next batch. A batch begun when the run is stopped is finished.
/// </summary>
internal sealed class SalesforceWriter(string connection, ISalesforceApi api, SalesforceSyncOptions sync, SalesforceConnectionOptions options, TimeProvider time) : WholeBatchWriter, IConcurrentSyncWriter
{
    /// <summary>Four batches at a time, far below Salesforce's 25 concurrent long-running requests per org.</summary>
    public int MaxConcurrentBatches => 4;

    /// <summary>The external id's value (a delete is named by its key alone).</summary>
    public string? IdentityOf(SyncRecord record) =>
        record.Action != RecordAction.Delete && record.Payload.GetValueOrDefault(sync.ExternalIdField) is { } id and not "" ? Convert.ToString(id, CultureInfo.InvariantCulture) : null;

    private const int LockRetries = 2;
    private string? _stopped;

    protected override async Task<IReadOnlyList<RecordOutcome>> WriteBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        if (_stopped is { } reason)
        {
            throw new DestinationException(reason);
        }

        if (records is [{ Action: RecordAction.Delete }, ..])
        {
            return await DeleteAsync(records, cancellationToken);
        }

        var outcomes = new RecordOutcome?[records.Count];
        var pending = Enumerable.Range(0, records.Count).Where(i => HasExternalId(records[i], outcomes, i)).ToList();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            var results = await SendAfterAsync(pending.Select(i => records[i]).ToList(), outcomes, cancellationToken);
            pending = SalesforceResults.Apply(pending, results, outcomes, lastAttempt: attempt == LockRetries);
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds((500 << attempt) + Random.Shared.Next(250)), time, cancellationToken);
            }
        }

        return outcomes.Select(o => o!).ToList();
    }

    public override JsonNode Preview(SyncRecord record) => Record(record);

    // A call that fails after records of the batch were answered (the first call, before locked rows are sent again)
    // keeps those answers: Salesforce wrote them.
    private async Task<List<SalesforceResult>> SendAfterAsync(List<SyncRecord> records, RecordOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(records, cancellationToken);
        }
        catch (DestinationException failure) when (outcomes.Any(o => o is not null))
        {
            throw DestinationFailures.After(failure, [.. outcomes]);
        }
    }

    // Once past the usage limit the writer stays stopped: a batch answered later with an older count does not undo it.
    private void Stop(string? reason)
    {
        if (reason is not null)
        {
            Interlocked.CompareExchange(ref _stopped, reason, null);
        }
    }

    /// <summary>Mirror deletes, by the ids recorded when the records were written; one already deleted counts as deleted.</summary>
    private async Task<IReadOnlyList<RecordOutcome>> DeleteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        var known = records.Where(r => r.DestinationId is not null).ToList();
        var results = new Dictionary<string, RecordOutcome>(StringComparer.Ordinal);
        if (known.Count > 0)
        {
            var answer = await api.DeleteAsync(options.ApiVersion, known.Select(r => r.DestinationId!), "false", cancellationToken).ReceivedAsync("Salesforce", connection);
            Stop(SalesforceErrors.UsageGuard(connection, answer, options.UsageLimitPercent));
            if (!answer.IsSuccessStatusCode || answer.Content is not { } list || list.Count != known.Count)
            {
                throw SalesforceErrors.Failure(connection, answer);
            }

            var outcomes = new RecordOutcome?[known.Count];
            SalesforceResults.Apply(Enumerable.Range(0, known.Count).ToList(), list, outcomes, lastAttempt: true, alreadyDone: "ENTITY_IS_DELETED");
            results = known.Select((r, i) => (r.Key, outcomes[i]!)).ToDictionary(p => p.Key, p => p.Item2, StringComparer.Ordinal);
        }

        foreach (var lost in records.Where(r => r.DestinationId is null))
        {
            results[lost.Key] = await DeleteByExternalIdAsync(lost, cancellationToken);
        }

        return records.Select(r => results[r.Key]).ToList();
    }

    /// <summary>
    /// A delete with no Salesforce id recorded (its upsert's answer was lost): by its external id, when that is mapped from
    /// the primary key; one call each, as it is rare. A record Salesforce does not hold (404: the upsert never arrived) needs none.
    /// </summary>
    private async Task<RecordOutcome> DeleteByExternalIdAsync(SyncRecord record, CancellationToken cancellationToken)
    {
        if (Convert.ToString(record.Payload.GetValueOrDefault(sync.ExternalIdField), CultureInfo.InvariantCulture) is not { Length: > 0 } value)
        {
            return RecordOutcome.Permanent($"no Salesforce id was recorded when this record was written, and '{sync.ExternalIdField}' is not mapped from the primary key to find it by, so it cannot be deleted; delete it in Salesforce");
        }

        var answer = await api.DeleteByExternalIdAsync(options.ApiVersion, sync.SObject, sync.ExternalIdField, value, cancellationToken).ReceivedAsync("Salesforce", connection);
        Stop(SalesforceErrors.UsageGuard(connection, answer, options.UsageLimitPercent));
        return answer.Status() switch
        {
            200 or 204 or 404 => RecordOutcome.Sent(null),
            300 => RecordOutcome.Permanent($"several {sync.SObject} records hold {sync.ExternalIdField} '{value}', so none was deleted; delete the right one in Salesforce"),
            _ => throw SalesforceErrors.Failure(connection, answer),
        };
    }

    private bool HasExternalId(SyncRecord record, RecordOutcome?[] outcomes, int index)
    {
        if (record.Payload.GetValueOrDefault(sync.ExternalIdField) is not null and not "")
        {
            return true;
        }

        outcomes[index] = RecordOutcome.Permanent($"the external id field '{sync.ExternalIdField}' is empty or not among the sync's fields");
        return false;
    }

    private async Task<List<SalesforceResult>> SendAsync(List<SyncRecord> records, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["allOrNone"] = false, ["records"] = new JsonArray(records.Select(r => (JsonNode)Record(r)).ToArray()) };
        var answer = await api.UpsertAsync(options.ApiVersion, sync.SObject, sync.ExternalIdField, body, cancellationToken).ReceivedAsync("Salesforce", connection);
        Stop(SalesforceErrors.UsageGuard(connection, answer, options.UsageLimitPercent));
        if (!answer.IsSuccessStatusCode)
        {
            throw SalesforceErrors.Failure(connection, answer);
        }

        return answer.Content is { } results && results.Count == records.Count
            ? results
            : throw new DestinationException($"Salesforce connection '{connection}': {answer.Content?.Count ?? 0} results came back for {records.Count} records");
    }

    private JsonObject Record(SyncRecord record)
    {
        var json = new JsonObject { ["attributes"] = new JsonObject { ["type"] = sync.SObject } };
        foreach (var (field, value) in record.Payload.Where(p => !string.Equals(p.Key, "Id", StringComparison.OrdinalIgnoreCase)))
        {
            json[field] = Value(value);
        }

        return json;
    }

    private static JsonNode? Value(object? value) => value switch
    {
        null => null,
        string or bool or long or int or double or decimal => JsonValue.Create(value),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable list => string.Join(";", list.Cast<object?>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
