using System.Collections;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Http;

/// <summary>A batch's failure told again with more of what is known, keeping its message, its cause and its data.</summary>
internal static class DestinationFailures
{
    /// <summary>
    /// The failure of a batch whose writer had some records answered before it failed (<see cref="DestinationException.Known"/>),
    /// so that those are stored as answered and not sent again as new.
    /// </summary>
    public static DestinationException After(DestinationException failure, IReadOnlyList<RecordOutcome?> known) =>
        Copy(failure, failure.MayHaveBeenDelivered, known);

    /// <summary>The failure of a batch part of which was applied before it: every record of it counts as maybe delivered.</summary>
    public static DestinationException Unsure(DestinationException failure) => Copy(failure, mayHaveBeenDelivered: true, failure.Known);

    private static DestinationException Copy(DestinationException failure, bool mayHaveBeenDelivered, IReadOnlyList<RecordOutcome?>? known)
    {
        var copy = new DestinationException(failure.Message, failure) { MayHaveBeenDelivered = mayHaveBeenDelivered, Known = known };
        foreach (DictionaryEntry entry in failure.Data)
        {
            copy.Data[entry.Key] = entry.Value;
        }

        return copy;
    }
}
