using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// A vendor refusing a connection's credential (401, 403, Slack's <c>invalid_auth</c>): the vendor's error marks it
/// (<see cref="Refused"/>), and each destination wraps its writers (<see cref="Checked"/>) and its checks before a run
/// (<see cref="CheckedAsync{T}"/>) so that such an error ends by
/// saying which of the connection's keys to check and which environment variable they were read from; never a value.
/// </summary>
public static class Credentials
{
    private const string RefusedKey = "reverse-etl.credential-refused";

    /// <summary>Marks <paramref name="error"/> as a refused credential; returns it.</summary>
    public static DestinationException Refused(this DestinationException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.Data[RefusedKey] = true;
        return error;
    }

    /// <summary>What to check, e.g. <c>check the connection's token (read from SLACK_BOT_TOKEN)</c>.</summary>
    public static string Hint(ConnectionSettings connection, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var variables = keys.Select(k => connection.Variables.GetValueOrDefault(k)).OfType<string>().ToList();
        var source = variables.Count > 0 ? $"read from {string.Join(", ", variables)}" : "written in the YAML";
        return $"check the connection's {string.Join(" and ", keys)} ({source})";
    }

    /// <summary>
    /// Wraps <paramref name="writer"/> so that a refused credential names <paramref name="keys"/> and their variables. The
    /// wrapper takes batches side by side only when the writer does: a writer of one batch at a time stays one, so that
    /// the run stores each of its batches before the next goes (a crash resends at most the batch it was on).
    /// </summary>
    public static ISyncWriter Checked(ISyncWriter writer, ConnectionSettings connection, params string[] keys) =>
        writer is IConcurrentSyncWriter concurrent
            ? new CheckedConcurrentWriter(concurrent, Hint(connection, keys))
            : new CheckedWriter(writer, Hint(connection, keys));

    /// <summary>Runs <paramref name="call"/> (e.g. a fields check before the run) so that a refused credential names <paramref name="keys"/> and their variables.</summary>
    public static async Task<T> CheckedAsync<T>(Func<Task<T>> call, ConnectionSettings connection, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (DestinationException ex) when (ex.Data[RefusedKey] is true)
        {
            throw new DestinationException($"{ex.Message}; {Hint(connection, keys)}", ex) { MayHaveBeenDelivered = ex.MayHaveBeenDelivered, Known = ex.Known };
        }
    }

    private class CheckedWriter(ISyncWriter inner, string hint) : ISyncWriter
    {
        public async Task<IReadOnlyList<RecordOutcome>> WriteAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
        {
            try
            {
                return await inner.WriteAsync(records, cancellationToken);
            }
            catch (DestinationException ex) when (ex.Data[RefusedKey] is true)
            {
                throw new DestinationException($"{ex.Message}; {hint}", ex) { MayHaveBeenDelivered = ex.MayHaveBeenDelivered, Known = ex.Known };
            }
        }

        public JsonNode Preview(SyncRecord record) => inner.Preview(record);
    }

    // Takes as many batches at once as the writer it wraps.
    private sealed class CheckedConcurrentWriter(IConcurrentSyncWriter inner, string hint) : CheckedWriter(inner, hint), IConcurrentSyncWriter
    {
        public int MaxConcurrentBatches => inner.MaxConcurrentBatches;

        public int? MaxBatchSize => inner.MaxBatchSize;

        public string? IdentityOf(SyncRecord record) => inner.IdentityOf(record);
    }
}
