using Quartz;
using ReverseEtl.Worker.Hosting;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>A sync's YAML schedule as the scheduler gets it: a five-field crontab cron is scheduled in Quartz's form.</summary>
public sealed class SyncSchedulesTests
{
    [Fact]
    public async Task Trigger_FiveFieldCronInYaml_ScheduledAsQuartzsFormInTheSyncsZone()
    {
        await using var project = new TestProject().WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb, demo: true } }
              chat: { slack: { token: "", base_url: "http://127.0.0.1:9/api" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select 1 as account_id }
            syncs:
              weekdays:
                model: accounts
                destination: chat
                mode: trigger
                schedule: { cron: "0 9 * * 1-5", timezone: Europe/London }
                slack: { channel: "#cs", text: "{{ row.account_id }}" }
            """);
        var sync = project.Load().Project!.Syncs["weekdays"];

        var trigger = SyncSchedules.Trigger(sync, sync.Schedule!);

        Assert.Equal(("0 0 9 ? * MON-FRI", "Europe/London"), (trigger.CronExpressionString, trigger.TimeZone.Id));
        var saturday = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), new CronExpression(trigger.CronExpressionString!).WithTimeZone(trigger.TimeZone).GetNextValidTimeAfter(saturday));
    }
}
