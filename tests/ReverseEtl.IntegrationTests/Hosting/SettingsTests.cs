namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>The RETL_* settings: bound once by the host, checked before any verb runs, each problem naming its variable and value.</summary>
public class SettingsTests
{
    [Fact]
    public async Task Status_SettingsOutOfRange_ExitTwoWithOneLinePerVariableAndTouchNothing()
    {
        await using var project = new TestProject().WithShippedConfig()
            .WithVariable("RETL_HEALTH_PORT", "70000").WithVariable("RETL_MISFIRE_SECONDS", "0").WithVariable("RETL_LOG_FORMAT", "xml");

        var status = await project.CliAsync("status");

        Assert.Equal(2, status.ExitCode);
        Assert.Equal("""
            RETL_HEALTH_PORT='70000' is not a whole number from 0 to 65535.
            RETL_MISFIRE_SECONDS='0' is not a whole number from 1 to 86400.
            RETL_LOG_FORMAT='xml' is not 'json' or 'text'.

            """, status.Error.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, status.Output);
        Assert.False(File.Exists(Path.Combine(project.Paths.DataDirectory, "state.db")));
    }

    [Fact]
    public async Task RunOnce_SettingThatIsNotANumber_ExitsTwoNamingItBeforeRunningAnything()
    {
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_SHUTDOWN_SECONDS", "soon");

        var run = await project.CliAsync("run", "--once");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Failed to convert configuration value 'soon' at 'RETL_SHUTDOWN_SECONDS' to type 'System.Int32'.", run.Error.Trim());
        Assert.False(Directory.Exists(project.Paths.OutboxDirectory));
    }

    [Fact]
    public async Task Validate_StateConnectionStringMalformed_ExitsTwoWithoutShowingIt()
    {
        await using var project = new TestProject().WithShippedConfig().WithVariable("RETL_STATE_CONNECTION_STRING", "Host=db;Password=hunter2;Bogus Key=1");

        var validate = await project.CliAsync("validate");

        Assert.Equal(2, validate.ExitCode);
        Assert.Equal("RETL_STATE_CONNECTION_STRING is not a PostgreSQL connection string (Couldn't set bogus key (Parameter 'bogus key')); its value is not shown, since it holds a password.", validate.Error.Trim());
        Assert.DoesNotContain("hunter2", validate.Error + validate.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ConfigOption_OverridesTheConfigVariable()
    {
        await using var project = new TestProject().WithShippedConfig();
        var elsewhere = Path.Combine(project.Root, "elsewhere", "config");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        Directory.Move(project.Paths.ConfigDirectory, elsewhere);

        var validate = await project.CliAsync("validate", "--config", elsewhere);

        Assert.Equal((0, string.Empty), (validate.ExitCode, validate.Error));
        Assert.EndsWith($" syncs in {elsewhere}", validate.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_EmptyVariables_CountAsUnset()
    {
        await using var project = new TestProject().WithShippedConfig();
        var empty = new Dictionary<string, string> { ["RETL_HEALTH_PORT"] = "", ["RETL_MISFIRE_SECONDS"] = "", ["RETL_INSTANCE_ID"] = "" };
        await using var worker = new WorkerProcess(project, empty, "status");

        Assert.Equal(0, await worker.ExitCodeAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"No state yet: {Path.Combine(project.Paths.DataDirectory, "state.db")} does not exist, so no sync has run with this data folder (RETL_DATA_DIR). Nothing was created.", worker.Text);
    }
}
