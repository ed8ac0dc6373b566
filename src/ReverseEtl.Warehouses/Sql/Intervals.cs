using System.Globalization;

namespace ReverseEtl.Warehouses.Sql;

/// <summary>
/// An interval (months, days, microseconds, each signed apart, as DuckDB and PostgreSQL keep them) as the text sent: as
/// a <see cref="TimeSpan"/> writes it (<c>1.02:03:04</c>) where one holds it, else (months, or beyond TimeSpan's range)
/// as an ISO 8601 duration with each part's own sign (<c>P1Y2M3DT4H5M6.5S</c>).
/// </summary>
internal static class Intervals
{
    public static string Text(int months, int days, long micros)
    {
        if (months == 0 && Math.Abs((decimal)days * TimeSpan.TicksPerDay + (decimal)micros * 10) <= TimeSpan.MaxValue.Ticks)
        {
            return new TimeSpan(days * TimeSpan.TicksPerDay + micros * 10).ToString("c", CultureInfo.InvariantCulture);
        }

        var (hours, rest) = Math.DivRem(micros, 3_600_000_000L);
        var (minutes, left) = Math.DivRem(rest, 60_000_000L);
        var seconds = (left / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture);
        return FormattableString.Invariant($"P{months / 12}Y{months % 12}M{days}DT{hours}H{minutes}M{seconds}S");
    }
}
