using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Checks;
using ReverseEtl.Core.Tests.Support;
using static ReverseEtl.Core.Tests.Support.RunKit;

namespace ReverseEtl.Core.Tests.Checks;

/// <summary>The check before a run's first send, over the in-memory warehouse (columns id, name): nothing read or sent on a problem.</summary>
public class LiveCheckRunTests
{
    [Fact]
    public async Task Run_TemplateReadsANameTheRowLacks_FailsBeforeReadingOrSending()
    {
        var kit = new RunKit("""mode: upsert, hubspot: { note: "{{ row.name }} / {{ row.nmae }}" }""", Row("a", "Zoë"));

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        // f.yaml is not on disk here, so the problem stands at the template's start rather than at row.nmae itself.
        Assert.Equal(
            "sync 's' stopped before sending anything: its definition does not match the model's columns or the destination:\n" +
            "f.yaml:8:65: syncs.s.hubspot.note: the template reads row.nmae, which the row does not have; model 'm' returns: id, name",
            report.Error);
        Assert.Empty(kit.Destination.Batches);
        Assert.Empty(kit.Warehouse.Queries);
    }

    [Fact]
    public async Task Run_RedactNamesAColumnTheModelLacks_FailsBeforeSending_SoTheRealOneIsNeverLoggedInClear()
    {
        var kit = new RunKit("mode: upsert, log: { redact: [nmae] }", Row("a", "zoë@example.com"));

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("syncs.s.log.redact: 'nmae' is not a column of the model, so nothing is redacted under that name; model 'm' returns: id, name", report.Error, StringComparison.Ordinal);
        Assert.Empty(kit.Destination.Batches);
        Assert.Empty(kit.State.Logged);
    }

    [Fact]
    public async Task Run_StateUnreadableWhileTheCheckFails_TheStatesErrorIsTheRunsAndNothingIsSent()
    {
        var kit = new RunKit("""mode: upsert, hubspot: { note: "{{ row.nmae }}" }""", Row("a", "Zoë"), Row("a", ""), Row(null, null));
        kit.State.ColumnsFail = new InvalidOperationException("sync_columns of sync 's' cannot be read (Ünïcode, 東京)");

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("sync_columns of sync 's' cannot be read (Ünïcode, 東京)", report.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("row.nmae", report.Error, StringComparison.Ordinal);
        Assert.Empty(kit.Destination.Batches);
        Assert.Empty(kit.Warehouse.Queries);
        Assert.Equal(0, kit.Destination.FieldChecks);
    }

    [Fact]
    public async Task Run_StateUnreadableAndTheSyncSound_TheStatesErrorAndNothingRead()
    {
        var kit = new RunKit("mode: upsert", Row("a", "Zoë"));
        kit.State.ColumnsFail = new InvalidOperationException("disk I/O error");

        var report = await kit.RunAsync();

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Contains("disk I/O error", report.Error, StringComparison.Ordinal);
        Assert.Empty(kit.Destination.Batches);
        Assert.Empty(kit.Warehouse.Queries);
        Assert.Equal(0, kit.Destination.FieldChecks); // the vendor is not asked for a run that cannot go on
    }

    [Fact]
    public async Task Run_MappedColumnsAndTemplateNamesInAnotherCase_PassAndSend()
    {
        var kit = new RunKit("""mode: upsert, fields: { key: ID, label: Name }, hubspot: { note: "{{ row.LABEL }}" }""", Row("a", "東京"), Row("b", null));

        var report = await kit.RunAsync();

        Assert.Equal((RunStatus.Succeeded, 2L), (report.Status, report.Counts.Sent));
        Assert.Single(kit.Warehouse.Queries);
        Assert.Equal(1, kit.Destination.FieldChecks);
    }

    [Fact]
    public async Task CheckAsync_KeyAndMappedColumnMissing_EachNamedAtTheSync()
    {
        var kit = new RunKit("mode: upsert, fields: { key: id, label: title }", Row("a", "x"));

        var result = await LiveCheck.CheckAsync(kit.Runtime, kit.Sync, askDestination: true, CancellationToken.None);

        Assert.Equal(["f.yaml:8:74: syncs.s.fields.label: column 'title' is not returned by the model; model 'm' returns: id, name"], result.Problems.Select(p => p.ToString()));
        Assert.Empty(result.Skipped);
    }
}
