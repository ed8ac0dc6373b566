using System.Globalization;
using System.IO.Hashing;
using System.Text;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// What the warehouse's row hash covers beside the row (<see cref="Abstractions.IWarehouseDialect.RowHash"/>): the
/// sync's payload definition, its fields in order with the columns they read. A diff in the warehouse takes a row whose
/// row hash and match are as stored for unchanged without mapping it, so the hash must change whenever the payload
/// could: a row read under other fields hashes differently, is fetched, and its payload is diffed as the worker's diff
/// diffs it (an added or renamed field sends every row once, as it does there).
/// </summary>
public static class RowHashSalt
{
    // Raised when the payload's canonical form (PayloadJson) changes, so that every row is diffed again once.
    private const string PayloadForm = "payload/1";

    /// <summary>
    /// 16 lowercase hex digits of the definition. Columns are matched without regard to case (as <see cref="RowMapper"/>
    /// finds them), so only their case changed is the same definition; anything else about the fields, their order
    /// included (the payload keeps it), is another.
    /// </summary>
    public static string Of(SyncDefinition sync)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var text = new StringBuilder(PayloadForm);
        if (sync.Fields is null)
        {
            text.Append("|*"); // every column, by its name: the row hash covers the names already
        }
        else
        {
            foreach (var (field, column) in sync.Fields)
            {
                var upper = column.ToUpperInvariant();
                text.Append(CultureInfo.InvariantCulture, $"|{field.Length}:{field}{upper.Length}:{upper}");
            }
        }

        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text.ToString())).ToString("x16", CultureInfo.InvariantCulture);
    }
}
