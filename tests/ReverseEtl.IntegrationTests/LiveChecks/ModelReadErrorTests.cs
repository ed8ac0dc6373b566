namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>
/// An error only the data brings (a cast that fails on one row's value) passes the zero-row check and meets the run's
/// own read: it is named at the model file's own line, not at the line of the query the run wraps around it.
/// </summary>
public sealed class ModelReadErrorTests
{
    [Fact]
    public async Task RunOnce_CastFailsOnOneRowsValue_NamedAtTheModelFilesOwnLineAndNothingSent()
    {
        await using var project = new LiveCheckProject(DaysExpression: "cast(note as integer) + days_in_stage").Create();

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once", "--sync", "alerts");

        Assert.Equal(0, live.ExitCode); // no row, no cast: the check cannot see it
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(
            "config/models/accounts.sql:5:5: model 'accounts' (sync 'alerts'): the warehouse rejected the query: DuckDB (wh.duckdb) rejected the query for reverse-etl:alerts: Conversion Error: Could not convert string '…' to INT32",
            run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("LINE ", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "chat.jsonl")));
    }
}
