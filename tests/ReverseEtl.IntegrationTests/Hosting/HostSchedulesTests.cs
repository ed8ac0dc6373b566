using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using ReverseEtl.Worker.Cli;
using ReverseEtl.Worker.Hosting;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// Only the long-running worker registers Quartz and the port: a verb that runs no schedule (a plan, <c>run --once</c>)
/// builds its host without them, so the process never loads Quartz or ASP.NET Core (issue 14, peak memory).
/// </summary>
public sealed class HostSchedulesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("run")]
    [InlineData("run --sync accounts-to-slack")]
    [InlineData("--config /etc/retl --verbose")]
    [InlineData("run --config /etc/retl")]
    public void Schedules_LongRunningWorker_True(string args) =>
        Assert.True(ReverseEtlCommandLine.Schedules(Args(args)));

    [Theory]
    [InlineData("run --once")]
    [InlineData("run --once --sync accounts-to-slack --accept-schema-changes")]
    [InlineData("--config /etc/retl run --once")]
    [InlineData("plan --sync accounts-to-slack --json")]
    [InlineData("validate --live")]
    [InlineData("status")]
    [InlineData("health")]
    [InlineData("failures --sync 名前<&>")]
    public void Schedules_VerbThatRunsNoSchedule_False(string args) =>
        Assert.False(ReverseEtlCommandLine.Schedules(Args(args)));

    [Fact]
    public void CreateBuilder_WithoutSchedules_NoSchedulerNorPortNorScheduleReconciler()
    {
        using var host = Build(schedules: false);

        Assert.Null(host.Services.GetService<ISchedulerFactory>());
        Assert.Empty(HostedServices(host));
        Assert.NotNull(host.Services.GetService<ScheduledHost>());
    }

    [Fact]
    public void CreateBuilder_WithSchedules_SchedulerReconcilerHealthAndPortInTheirOrder()
    {
        using var host = Build(schedules: true);

        Assert.NotNull(host.Services.GetService<ISchedulerFactory>());
        Assert.Equal(["ScheduleReconciler", "QuartzHostedService", "HealthCheckPublisherHostedService", "WorkerPort"], HostedServices(host));
    }

    [Fact]
    public void CreateBuilder_ByDefault_RegistersTheSchedules()
    {
        using var host = ReverseEtlHost.CreateBuilder(Settings).Build();

        Assert.NotNull(host.Services.GetService<ISchedulerFactory>());
    }

    private static string[] Args(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static IHost Build(bool schedules) => ReverseEtlHost.CreateBuilder(Settings, schedules).Build();

    private static List<string> HostedServices(IHost host) =>
        host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

    private static void Settings(IConfigurationBuilder configuration)
    {
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection([new("RETL_DATA_DIR", Path.Combine(Path.GetTempPath(), "retl-host-schedules")), new("RETL_HEALTH_PORT", "0")]);
    }
}
