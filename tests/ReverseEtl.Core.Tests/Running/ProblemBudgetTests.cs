using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public class ProblemBudgetTests
{
    [Fact]
    public void Report_PastTheBudget_LogsTheFirstTwentyThenSaysOnceThereAreMore()
    {
        var log = new ListLogger();
        var budget = new ProblemBudget(new RunLog(log), "Zoë's sync");

        for (var i = 1; i <= 50; i++)
        {
            var row = i;
            budget.Report(l => l.RowRejected("Zoë's sync", row, "duplicate primary key ''"));
        }

        Assert.Equal(20, log.Entries.Count(e => e.Id == 1003));
        Assert.Equal("Sync Zoë's sync: row 20 rejected: duplicate primary key ''", log.Entries.Last(e => e.Id == 1003).Message);
        Assert.Equal([1006], log.Entries.Where(e => e.Id != 1003).Select(e => e.Id));
    }

    [Fact]
    public void Report_WithinTheBudget_NeverSaysThereAreMore()
    {
        var log = new ListLogger();
        var budget = new ProblemBudget(new RunLog(log), "s");

        for (var i = 0; i < ProblemBudget.Logged; i++)
        {
            budget.Report(l => l.RecordFailed("s", "k", "PermanentFailure", string.Empty));
        }

        Assert.Equal(Enumerable.Repeat(1004, 20), log.Entries.Select(e => e.Id));
    }
}
