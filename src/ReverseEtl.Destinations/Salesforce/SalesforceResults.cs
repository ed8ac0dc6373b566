using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Salesforce;

/// <summary>Per-record results, in the order of the records sent.</summary>
internal static class SalesforceResults
{
    /// <summary>Fills the outcomes; returns the positions refused with UNABLE_TO_LOCK_ROW, to be sent again (none on the last attempt).</summary>
    public static List<int> Apply(List<int> positions, List<SalesforceResult> results, RecordOutcome?[] outcomes, bool lastAttempt, string? alreadyDone = null)
    {
        var locked = new List<int>();
        for (var i = 0; i < positions.Count; i++)
        {
            var (position, result) = (positions[i], results[i]);
            var errors = (result.Errors ?? []).Where(e => e.StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK").ToList();
            var message = string.Join("; ", errors.Select(e => $"{e.StatusCode}: {e.Message}{(e.Fields is { Count: > 0 } f ? $" ({string.Join(", ", f)})" : string.Empty)}"));
            if (result.Success || (alreadyDone is not null && errors.Count > 0 && errors.All(e => e.StatusCode == alreadyDone)))
            {
                outcomes[position] = RecordOutcome.Sent(result.Id);
            }
            else if (errors.Any(e => e.StatusCode == "UNABLE_TO_LOCK_ROW") && !lastAttempt)
            {
                locked.Add(position);
            }
            else
            {
                outcomes[position] = errors.Any(e => e.StatusCode == "UNABLE_TO_LOCK_ROW") ? RecordOutcome.Retryable(message) : RecordOutcome.Permanent(message);
            }
        }

        return locked;
    }
}
