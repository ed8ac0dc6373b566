using Quartz;
using ReverseEtl.Core.Definitions;

namespace ReverseEtl.Core.Tests.Definitions;

public class CronTextTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 15, 7, 0, TimeSpan.Zero); // a Monday

    [Theory]
    [InlineData("*/15 * * * *", "0 0/15 * * * ?")]
    [InlineData("0 9 * * 1-5", "0 0 9 ? * 2-6")]
    [InlineData("0 9 * * MON-FRI", "0 0 9 ? * MON-FRI")]
    [InlineData("30 6 * * 0", "0 30 6 ? * 1")]
    [InlineData("30 6 * * 7", "0 30 6 ? * 1")]
    [InlineData("0 18 * * 5-7", "0 0 18 ? * 6,7,1")]
    [InlineData("0 18 * * 0,3", "0 0 18 ? * 1,4")]
    [InlineData("0 */2 1-10/3 * *", "0 0 0/2 1,4,7,10 * ?")]
    [InlineData("5,35 8-17 * 1,7 *", "0 5,35 8-17 ? JAN,JUL *")]
    [InlineData("0 9 1 * 1", "0 0 9 1 * MON")]
    public void ToQuartz_FiveFields_FiresWhenTheQuartzFormFires(string unix, string quartz)
    {
        var converted = CronText.ToQuartz(unix, out var problem);

        Assert.Null(problem);
        Assert.Equal(NextFires(quartz), NextFires(converted!));
    }

    [Theory]
    [InlineData("*/15 * * * *", "0 */15 * * * ?")]
    [InlineData("0 9 * * 1-5", "0 0 9 ? * MON-FRI")]
    [InlineData("30 6 * * 0", "0 30 6 ? * SUN")]
    [InlineData("30 6 * * 7", "0 30 6 ? * SUN")]
    public void ToQuartz_FiveFields_SecondsZeroAndQuestionMarkForTheOpenDayField(string unix, string expected) =>
        Assert.Equal(expected, CronText.ToQuartz(unix, out _));

    [Theory]
    [InlineData("0 0 8 ? * MON-FRI")]
    [InlineData("0 0/15 * * * ?")]
    [InlineData("0 0 12 1 1 ? 2030")]
    [InlineData("@daily")]
    public void ToQuartz_QuartzFormOrMacro_KeptAsWritten(string cron) =>
        Assert.Equal(cron, CronText.ToQuartz(cron, out _));

    [Theory]
    [InlineData("0 25 * * *", "'0 25 * * *' has an invalid hour field '25': hour takes 0-23, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("61 * * * *", "'61 * * * *' has an invalid minute field '61': minute takes 0-59, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("0 9 32 * *", "'0 9 32 * *' has an invalid day-of-month field '32': day-of-month takes 1-31, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("0 9 * 13 *", "'0 9 * 13 *' has an invalid month field '13': month takes 1-12 or JAN-DEC, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("0 9 * * 8", "'0 9 * * 8' has an invalid day-of-week field '8': day-of-week takes 0-7 (0 and 7 are Sunday) or SUN-SAT, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("0 0 9 ? * 0", "'0 0 9 ? * 0' has an invalid day-of-week field '0': day-of-week takes 1-7 (1 is Sunday), SUN-SAT, L, # or ?, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("60 0 9 ? * MON", "'60 0 9 ? * MON' has an invalid second field '60': second takes 0-59, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("0 0 9 ? * MON 1900", "'0 0 9 ? * MON 1900' has an invalid year field '1900': year takes a year from 1970, with * for any, lists (1,3), ranges (1-5) and steps (*/15)")]
    [InlineData("every day", "'every day' has 2 field(s); write five (minute hour day-of-month month day-of-week) or Quartz's six or seven (second minute hour day-of-month month day-of-week [year])")]
    [InlineData("@fortnightly", "'@fortnightly' is not a known macro; use @hourly, @daily, @weekly, @monthly or @yearly")]
    public void ToQuartz_Invalid_OneSentenceNamingTheFieldWithoutCode(string cron, string expected)
    {
        Assert.Null(CronText.ToQuartz(cron, out var problem));

        Assert.Equal(expected, problem);
        Assert.DoesNotContain("CronExpression", problem, StringComparison.Ordinal);
    }

    private static List<DateTimeOffset> NextFires(string quartz)
    {
        var expression = new CronExpression(quartz).WithTimeZone(TimeZoneInfo.Utc);
        var fires = new List<DateTimeOffset>();
        for (var at = expression.GetNextValidTimeAfter(Start); at is { } next && fires.Count < 40; at = expression.GetNextValidTimeAfter(next))
        {
            fires.Add(next);
        }

        return fires;
    }
}
