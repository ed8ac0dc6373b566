using System.Text.Json;
using System.Text.Json.Nodes;
using Refit;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.Http;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// Writes a batch with one call: <c>batch/upsert</c> (or <c>update</c>, <c>create</c>) by the unique id property.
/// Rows sharing an id in one batch are sent once, the last one winning. A 207 maps each error back to its record;
/// a 400 on several records is split in halves until the bad records are alone, so one bad value never fails the rest.
/// A batch begun when the run is stopped is finished (a create cut off mid-call could be applied and then sent again).
/// In <c>create_only</c>, records whose earlier create has no known outcome are searched for first (<see cref="HubSpotUnsureCreates"/>).
/// </summary>
internal sealed class HubSpotWriter(string connection, IHubSpotApi api, HubSpotSyncOptions options, SyncMode mode, VendorFieldCache<IReadOnlySet<string>> properties)
    : WholeBatchWriter, IConcurrentSyncWriter
{
    /// <summary>Four batches at a time: at 200 ms an answer, two are enough to fill 100 requests in 10 s; the token's pace keeps the limit.</summary>
    public int MaxConcurrentBatches => 4;

    /// <summary>The id property's value as HubSpot gets it (a create_only record, or a delete, is named by its key alone).</summary>
    public string? IdentityOf(SyncRecord record) =>
        mode == SyncMode.CreateOnly || record.Action == RecordAction.Delete || record.Payload.GetValueOrDefault(options.IdProperty) is not { } id
            ? null
            : HubSpotValues.Format(id);

    private readonly HubSpotProperties _properties = new(connection, api, options, properties);
    private readonly HubSpotAssociations _associations = new(connection, api, options);
    private readonly HubSpotUnsureCreates _unsure = new(connection, api, options);

    protected override async Task<IReadOnlyList<RecordOutcome>> WriteBatchAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        // No answer at all (network, timeout, open circuit) comes back in the IApiResponse: ReceivedAsync turns it into a DestinationException.
        if (records is [{ Action: RecordAction.Delete }, ..])
        {
            return await ArchiveAsync(records, cancellationToken);
        }

        await _properties.EnsureAsync(cancellationToken);
        var batch = HubSpotBatch.Prepare(records, options, mode);
        if (mode == SyncMode.CreateOnly)
        {
            await _unsure.SettleAsync(records, batch, cancellationToken);
        }

        try
        {
            await SendAsync(batch.Inputs, batch.Outcomes, cancellationToken);
            var outcomes = batch.Complete().ToArray<RecordOutcome?>();
            await _associations.ApplyAsync(records, outcomes, cancellationToken);
            return outcomes.Select(o => o!).ToList();
        }
        catch (DestinationException failure) when (!failure.MayHaveBeenDelivered && batch.Outcomes.Any(o => o?.Status == OutcomeStatus.Sent))
        {
            // Part of the batch was written before the failure (half of a split, or the creates before their
            // associations): its records' outcome is not lost with the exception, they count as maybe delivered.
            throw DestinationFailures.Unsure(failure);
        }
    }

    public override JsonNode Preview(SyncRecord record) =>
        JsonSerializer.SerializeToNode(HubSpotBatch.Prepare([record], options, mode).Inputs.Single().Input, HubSpotDestination.Json)!;

    private async Task SendAsync(List<HubSpotBatch.Pending> inputs, RecordOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        if (inputs.Count == 0)
        {
            return;
        }

        var response = await CallAsync(inputs, cancellationToken).ReceivedAsync("HubSpot", connection);
        if (response.IsSuccessStatusCode && response.Content is { } result)
        {
            HubSpotBatch.Map(result, inputs, outcomes);
            return;
        }

        var error = HubSpotErrors.Parse(response.ErrorContent());
        if (response.Status() is 400 or 409 && !HubSpotErrors.IsWholeRequest(error))
        {
            if (inputs.Count == 1)
            {
                outcomes[inputs[0].Index] = RecordOutcome.Permanent(HubSpotErrors.Describe(error, response.Status()));
                return;
            }

            await SendAsync(inputs.Take(inputs.Count / 2).ToList(), outcomes, cancellationToken);
            await SendAsync(inputs.Skip(inputs.Count / 2).ToList(), outcomes, cancellationToken);
            return;
        }

        // A create is not repeated after a 5xx (HubSpotHttpPolicy): HubSpot may have applied it.
        throw HubSpotErrors.Failure(connection, response.Status(), error, mayHaveBeenApplied: mode == SyncMode.CreateOnly && response.Status() >= 500);
    }

    /// <summary>
    /// Mirror deletes: archives the records by the HubSpot ids recorded when they were written (204; unknown ids are
    /// ignored by HubSpot). A record whose write's answer was lost has no id recorded: it is read by its id property
    /// (mapped from the key), archived when HubSpot has it, and done when HubSpot does not (the write never arrived).
    /// </summary>
    private async Task<IReadOnlyList<RecordOutcome>> ArchiveAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        var lost = records.Where(r => r.DestinationId is null).Select(IdPropertyOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = await HubSpotIdReads.IdsAsync(api, connection, options.ObjectType, options.IdProperty, lost, cancellationToken);
        var ids = records.Select(r => r.DestinationId ?? IdPropertyOf(r) switch
        {
            { } value => found.GetValueOrDefault(value, string.Empty),
            null => null,
        }).ToList();
        var archive = ids.Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).Select(id => new HubSpotObjectId(id!)).ToList();
        if (archive.Count > 0)
        {
            var answer = await api.ArchiveAsync(options.ObjectType, new HubSpotArchiveInput(archive), cancellationToken).ReceivedAsync("HubSpot", connection);
            if (!answer.IsSuccessStatusCode)
            {
                throw HubSpotErrors.Failure(connection, answer.Status(), HubSpotErrors.Parse(answer.ErrorContent()));
            }
        }

        return ids.Select(id => id is null
            ? RecordOutcome.Permanent($"no HubSpot id was recorded when this record was written, and '{options.IdProperty}' is not mapped from the primary key to find it by, so it cannot be archived; archive it in HubSpot")
            : RecordOutcome.Sent(null)).ToList();
    }

    private string? IdPropertyOf(SyncRecord record) =>
        record.Payload.GetValueOrDefault(options.IdProperty) is { } value && HubSpotValues.Format(value) is { Length: > 0 } text ? text : null;

    private Task<IApiResponse<HubSpotWriteResult>> CallAsync(IReadOnlyList<HubSpotBatch.Pending> inputs, CancellationToken cancellationToken) => mode switch
    {
        SyncMode.CreateOnly => api.CreateAsync(options.ObjectType, new HubSpotCreateInput(inputs.Select(i => new HubSpotCreateRecord(i.Input.Properties, i.Input.ObjectWriteTraceId)).ToList()), cancellationToken),
        SyncMode.UpdateOnly => api.UpdateAsync(options.ObjectType, new HubSpotBatchInput(inputs.Select(i => i.Input).ToList()), cancellationToken),
        _ => api.UpsertAsync(options.ObjectType, new HubSpotBatchInput(inputs.Select(i => i.Input).ToList()), cancellationToken),
    };
}
