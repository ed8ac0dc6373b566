using System.Text.Json.Nodes;

namespace ReverseEtl.Abstractions;

/// <summary>Creates destinations of one type. Registered as a keyed service under <see cref="Type"/>.</summary>
public interface IDestinationConnector
{
    /// <summary>The connection type this connector serves, e.g. <c>slack</c>.</summary>
    string Type { get; }

    /// <summary>The sync modes and batch size the destination supports.</summary>
    DestinationCapabilities Capabilities { get; }

    /// <summary>Checks a connection's settings beyond their schema; returns every problem.</summary>
    IReadOnlyList<ConfigProblem> ValidateConnection(ConnectionSettings connection);

    /// <summary>Checks a sync's destination section (templates compile, required keys present); returns every problem.</summary>
    IReadOnlyList<ConfigProblem> ValidateSync(SyncSettings sync);

    /// <summary>Creates the destination for <paramref name="connection"/>. Without credentials it is a dry run.</summary>
    IDestination Create(ConnectionSettings connection);
}

/// <summary>What a destination can do.</summary>
/// <param name="Modes">The sync modes it supports.</param>
/// <param name="MaxBatchSize">The most records one <see cref="ISyncWriter.WriteAsync"/> call may carry.</param>
public sealed record DestinationCapabilities(IReadOnlySet<SyncMode> Modes, int MaxBatchSize);

/// <summary>One configured destination connection.</summary>
/// <remarks>Thread-safe: syncs that share the connection share the instance (and its caches).</remarks>
public interface IDestination
{
    /// <summary>When set, nothing goes to the vendor: each request is written as a JSON line to this file instead.</summary>
    string? DryRunOutboxPath { get; }

    /// <summary>Creates the writer for one sync; the sync's settings were validated by <see cref="IDestinationConnector.ValidateSync"/>.</summary>
    ISyncWriter CreateWriter(SyncSettings sync);
}

/// <summary>Delivers records of one sync.</summary>
/// <remarks>
/// Not thread-safe: one run of one sync uses it at a time. A batch holds either writes or, for a mirror sync, deletes.
/// <see cref="WriteAsync"/> throws <see cref="DestinationException"/> when the whole batch failed (authentication,
/// the vendor unreachable after retries); then none of its records count as delivered, but those it gives an outcome in
/// <see cref="DestinationException.Known"/> (answered by an earlier call of the same batch). Otherwise it returns one
/// <see cref="RecordOutcome"/> per record, in the order given: one bad record never fails its batch.
/// </remarks>
public interface ISyncWriter
{
    /// <summary>Sends <paramref name="records"/> (at most <see cref="DestinationCapabilities.MaxBatchSize"/>).</summary>
    Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken);

    /// <summary>The request body that <paramref name="record"/> would produce, without sending anything.</summary>
    JsonNode Preview(SyncRecord record);
}

/// <summary>A record to deliver.</summary>
/// <param name="Key">The row's primary key, as text.</param>
/// <param name="Action">Why it is sent.</param>
/// <param name="Payload">The mapped fields, by payload field name (empty for <see cref="RecordAction.Delete"/>).</param>
public sealed record SyncRecord(string Key, RecordAction Action, IReadOnlyDictionary<string, object?> Payload)
{
    /// <summary>For a delete: the vendor's id of the record, as the destination returned it when the record was written.</summary>
    public string? DestinationId { get; init; }

    /// <summary>Names this send (sync, key, action, payload hash), for a vendor that can keep it with what it stores (Slack message metadata).</summary>
    public DeliveryKey? Delivery { get; init; }

    /// <summary>
    /// When an earlier attempt to send this same change ended with no known outcome (no answer, a stop, the process
    /// killed): the time that attempt started. A writer that can ask the vendor whether it arrived (Slack's channel
    /// history) asks before sending again; one that cannot follows the sync's <c>delivery</c> setting.
    /// </summary>
    public DateTimeOffset? UnsureSince { get; init; }
}

/// <summary>How one record fared.</summary>
/// <param name="Status">Delivered, or failed and whether retrying can help.</param>
/// <param name="DestinationId">The vendor's id for what was created (e.g. a Slack message <c>ts</c>), when delivered.</param>
/// <param name="Message">The vendor's reason, when it failed.</param>
public sealed record RecordOutcome(OutcomeStatus Status, string? DestinationId = null, string? Message = null)
{
    public static RecordOutcome Sent(string? destinationId) => new(OutcomeStatus.Sent, destinationId);

    public static RecordOutcome Retryable(string message) => new(OutcomeStatus.RetryableFailure, Message: message);

    public static RecordOutcome Permanent(string message) => new(OutcomeStatus.PermanentFailure, Message: message);

    public static RecordOutcome Unknown(string message) => new(OutcomeStatus.Unknown, Message: message);
}

/// <summary>The kinds of record outcome.</summary>
public enum OutcomeStatus
{
    /// <summary>The vendor acknowledged the record.</summary>
    Sent,

    /// <summary>It failed for a reason that may pass (rate limit, outage); it is retried on the next run.</summary>
    RetryableFailure,

    /// <summary>The vendor rejected it (e.g. unknown channel); it is kept with the vendor's message.</summary>
    PermanentFailure,

    /// <summary>Not attempted because the run is stopping: its state is left as it was, so the next run sends it.</summary>
    Deferred,

    /// <summary>Sent, but no answer came (a timeout): it may have arrived. The next run checks before sending again, where the vendor allows.</summary>
    Unknown,
}

/// <summary>A whole batch failed; the message says why and is safe to show (no secrets).</summary>
public sealed class DestinationException : Exception
{
    /// <summary>
    /// True when the batch went out and no answer came (a timeout), so some of it may have arrived; false when the
    /// vendor refused it or never received it (authentication, connection refused, rate limit).
    /// </summary>
    public bool MayHaveBeenDelivered { get; init; }

    /// <summary>
    /// What was known of the batch's records when it failed, one slot per record in the batch's order (null: not known):
    /// a writer that sends a batch in several calls (a record at a time, locked rows sent again) had some records
    /// answered before a later call failed. Those are stored as any answer is, so that an acknowledged record is not
    /// sent again as new; the records without an outcome fail as <see cref="MayHaveBeenDelivered"/> says.
    /// </summary>
    public IReadOnlyList<RecordOutcome?>? Known { get; init; }

    public DestinationException() { }

    public DestinationException(string message) : base(message) { }

    public DestinationException(string message, Exception innerException) : base(message, innerException) { }
}
