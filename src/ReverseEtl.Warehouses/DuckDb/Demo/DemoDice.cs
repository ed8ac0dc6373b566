using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>
/// The demo's chances after generation: a number in [0, 1) drawn from a hash of the seed, the day and what is drawn
/// for, not from a sequence. A day's draws do not depend on how many advances led to it, so advancing 7 days twice
/// gives the same warehouse as advancing 14 once.
/// </summary>
internal static class DemoDice
{
    private const string Seed = "20250520";

    public static double Unit(string what, int day, string account, long partner = 0)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Seed}|{what}|{day}|{account}|{partner}");
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text));
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>An index below <paramref name="count"/>.</summary>
    public static int Pick(int count, string what, int day, string account, long partner = 0) =>
        Math.Min(count - 1, (int)(Unit(what, day, account, partner) * count));
}
