using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Alerts;

/// <summary>A project with sync <c>s</c> and alerts over it (YAML after <c>alerts:</c>), and builders of run reports.</summary>
internal sealed class AlertKit
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    public AlertKit(string alerts = "ops: { slack: { connection: chat, channel: \"#data-ops\" } }", string syncAlerts = "")
    {
        var catalog = FakeCatalog.Standard();
        var (project, errors) = DefinitionText.Build(catalog, $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              chat: { slack: { token: "" } }
            models:
              m: { connection: wh, primary_key: id, sql: select 1 as id }
            syncs:
              s: { model: m, destination: chat, mode: trigger, slack: { text: hi } {{syncAlerts}} }
            alerts:
              {{alerts}}
            """);
        Assert.Empty(errors);
        Runtime = new ProjectRuntime(project, catalog);
    }

    public ProjectRuntime Runtime { get; }

    public SyncDefinition Sync => Runtime.Project.Syncs["s"];

    public AlertDefinition Alert(string name = "ops") => Runtime.Project.Alerts[name];

    public static SyncRunReport Report(RunStatus status, long runId, RunCounts? counts = null, string? error = null) =>
        new("s", status, counts ?? new RunCounts { RowsRead = 10, Sent = 2 }) { RunId = runId, StartedAt = Start.AddHours(runId), Error = error };
}

/// <summary>Records each alert; fails while <see cref="Failing"/> is set, as a vendor that does not answer.</summary>
internal sealed class RecordingAlertSender : IAlertSender
{
    public List<(AlertTarget Target, AlertMessage Message)> Sent { get; } = [];

    public Exception? Failing { get; set; }

    public string? Outbox { get; set; }

    public Task<AlertDelivery> SendAsync(AlertTarget target, AlertMessage message, CancellationToken cancellationToken)
    {
        if (Failing is { } failure)
        {
            throw failure;
        }

        Sent.Add((target, message));
        return Task.FromResult(new AlertDelivery(Outbox));
    }
}
