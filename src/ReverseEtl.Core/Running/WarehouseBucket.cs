using System.Globalization;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A key bucket as a warehouse gives it: a whole number, or its text (Snowflake's SQL API gives every value as text), or
/// a decimal. A value that is not one of the buckets asked for (beyond 32 bits, negative, not a whole number) fails the
/// run naming it, rather than being cut into range and its row summed in another bucket; so does a count or sum of a
/// bucket row that is not a whole number (<see cref="WholeNumber"/>).
/// </summary>
internal static class WarehouseBucket
{
    // The columns of a bucket row, in order: the model's bucket query and the snapshot's have the same four.
    private static readonly string[] Columns = [ModelQuery.BucketColumn, ModelQuery.BucketRowsColumn, ModelQuery.BucketSumColumn, ModelQuery.BucketOtherColumn];

    /// <summary>The bucket given; null for none (a null key); -1, which no bucket is, for what is not a whole number of 64 bits.</summary>
    public static long? Of(object? value) => value switch
    {
        null => null,
        long l => l,
        int i => i,
        decimal d => decimal.IsInteger(d) && d >= long.MinValue && d <= long.MaxValue ? (long)d : -1,
        _ => long.TryParse(Text(value), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var whole) ? whole : -1,
    };

    /// <summary>The bucket given, one of <paramref name="count"/>; else the run fails naming the value.</summary>
    public static int Checked(object? value, int count, SyncRunContext context) =>
        Of(value) is { } bucket && bucket >= 0 && bucket < count ? (int)bucket : throw OutOfRange(value, count, context);

    /// <summary>A count of a bucket row (column <paramref name="at"/>, <see cref="WholeNumber.Count"/>); else the run fails naming it.</summary>
    public static long Count(object?[] values, int at, SyncRunContext context) => Whole(values, at, context, WholeNumber.Count);

    /// <summary>A sum of a bucket row (column <paramref name="at"/>, <see cref="WholeNumber.Low64(object)"/>); else the run fails naming it.</summary>
    public static ulong Sum(object?[] values, int at, SyncRunContext context) => Whole(values, at, context, WholeNumber.Low64);

    /// <summary>The run's error for a bucket outside the <paramref name="count"/> asked for.</summary>
    public static WarehouseException OutOfRange(object? value, int count, SyncRunContext context) => new(
        $"sync '{context.Sync.Name}': the warehouse of connection '{context.Model.Connection}' gave key bucket {Text(value) ?? "null"}, " +
        $"outside 0 to {count - 1}; please report it with the warehouse's version");

    private static T Whole<T>(object?[] values, int at, SyncRunContext context, Func<object?, T> read)
    {
        try
        {
            return read(values[at]);
        }
        catch (FormatException ex)
        {
            throw NotWhole(values[at], at, context, ex);
        }
    }

    // Named by the sync, the connection and the column of the bucket row.
    private static WarehouseException NotWhole(object? value, int at, SyncRunContext context, FormatException inner) => new(
        $"sync '{context.Sync.Name}': the warehouse of connection '{context.Model.Connection}' gave {(value is null ? "null" : $"'{Text(value)}'")} " +
        $"as {Columns[at]} of a bucket row, where a whole number was expected; please report it with the warehouse's version", inner);

    private static string? Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);
}
