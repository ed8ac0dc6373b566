using System.Globalization;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Running;

/// <summary>
/// A key bucket as a warehouse gives it: a whole number, or its text (Snowflake's SQL API gives every value as text), or
/// a decimal. A value that is not one of the buckets asked for (beyond 32 bits, negative, not a whole number) fails the
/// run naming it, rather than being cut into range and its row summed in another bucket.
/// </summary>
internal static class WarehouseBucket
{
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

    /// <summary>The run's error for a bucket outside the <paramref name="count"/> asked for.</summary>
    public static WarehouseException OutOfRange(object? value, int count, SyncRunContext context) => new(
        $"sync '{context.Sync.Name}': the warehouse of connection '{context.Model.Connection}' gave key bucket {Text(value) ?? "null"}, " +
        $"outside 0 to {count - 1}; please report it with the warehouse's version");

    private static string? Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);
}
