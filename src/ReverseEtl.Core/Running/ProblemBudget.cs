namespace ReverseEtl.Core.Running;

/// <summary>
/// Logs the first <see cref="Logged"/> problems of a run (rejected rows and failed records together) one by one, then
/// says once that there are more, so that a broken model does not write a log line per row.
/// </summary>
public sealed class ProblemBudget(RunLog log, string sync)
{
    /// <summary>How many problems a run logs one by one.</summary>
    public const int Logged = 20;

    private long _seen;

    /// <summary>Counts a problem; <paramref name="write"/> logs it while the budget lasts.</summary>
    public void Report(Action<RunLog> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var seen = Interlocked.Increment(ref _seen);
        if (seen <= Logged)
        {
            write(log);
        }
        else if (seen == Logged + 1)
        {
            log.MoreProblems(sync);
        }
    }
}
