using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Templates;

namespace ReverseEtl.Core.Checks;

/// <summary>What a live check found: problems (each at file:line:column), and the checks it could not make and why.</summary>
public sealed record LiveCheckResult(IReadOnlyList<DefinitionError> Problems, IReadOnlyList<string> Skipped);

/// <summary>
/// A sync against the real world, before anything is sent: the model runs with no row (with the trigger condition),
/// and the primary key, the mapped columns and every <c>row.NAME</c> of its templates are checked against the columns
/// it returns, and so is every payload field the destination's section names (<see cref="IDestinationFieldReferences"/>);
/// then a destination that can (<see cref="IDestinationFieldCheck"/>: HubSpot, Salesforce) checks the fields it would
/// write against the vendor's object. <c>validate --live</c> and every run (before its first send) make both checks;
/// the destination keeps the vendor's answer per object for a while (10 minutes), so a long-running worker asks at
/// most once per object in that time, and a dry run (no credentials) asks nothing.
/// </summary>
public static class LiveCheck
{
    private static readonly LiquidTemplateCompiler Templates = new();

    /// <summary>
    /// Checks <paramref name="sync"/>; with <paramref name="askDestination"/>, also asks the vendor for its fields.
    /// <paramref name="before"/> (a run's state load) must succeed before the check writes anything (the snapshot's
    /// table) or asks the vendor: it is awaited once the model's columns are read and checked, and its error is thrown.
    /// </summary>
    /// <exception cref="DestinationException">The vendor could not be asked.</exception>
    public static async Task<LiveCheckResult> CheckAsync(ProjectRuntime runtime, SyncDefinition sync, bool askDestination, CancellationToken cancellationToken, Task? before = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(sync);
        var (project, model) = (runtime.Project, runtime.Project.Models[sync.Model]);
        var text = new ConfigText(new RuntimePathsView(project.Paths.ConfigDirectory));
        var (columns, problems) = await DescribeAsync(runtime, sync, text, cancellationToken);
        if (columns is null)
        {
            return new LiveCheckResult(problems, []);
        }

        var checks = new ColumnChecks(project, sync, model, text);
        var destination = runtime.Destination(sync.Destination);
        problems.AddRange(checks.Check(columns, Templates));
        problems.AddRange(destination is IDestinationFieldReferences references ? checks.CheckReferences(columns, references) : []);
        await (before ?? Task.CompletedTask);
        problems.AddRange(await SnapshotCheck.CheckAsync(runtime, sync, cancellationToken));
        var skipped = new List<string>();
        if (askDestination && destination is IDestinationFieldCheck vendor)
        {
            var found = await vendor.CheckFieldsAsync(sync.Settings, checks.PayloadFields(columns), cancellationToken);
            problems.AddRange(found.Missing.Select(m => FieldError(sync, m)));
            skipped.AddRange(found.SkippedBecause is { } why ? [$"{sync.Source.Map.KeyAt(sync.Source.Path)}: sync '{sync.Name}': destination fields not checked: {why}"] : []);
        }

        return new LiveCheckResult(problems, skipped);
    }

    /// <summary>
    /// Before a run's first send: throws <see cref="SyncDefinitionException"/> listing every problem, one per line.
    /// A check the destination skipped (a dry run has no credentials to ask with) does not stop the run.
    /// </summary>
    /// <exception cref="DestinationException">The vendor could not be asked for its fields.</exception>
    public static async Task EnsureAsync(ProjectRuntime runtime, SyncDefinition sync, CancellationToken cancellationToken, Task? before = null)
    {
        var result = await CheckAsync(runtime, sync, askDestination: true, cancellationToken, before);
        if (result.Problems.Count > 0)
        {
            throw new SyncDefinitionException(
                $"sync '{sync.Name}' stopped before sending anything: its definition does not match the model's columns or the destination:\n{string.Join("\n", result.Problems)}");
        }
    }

    // The model's columns, with the trigger condition; when only the condition fails, the model alone still gives
    // the columns, so that the other checks still run and every problem shows at once.
    private static async Task<(IReadOnlyList<WarehouseColumn>? Columns, List<DefinitionError> Problems)> DescribeAsync(
        ProjectRuntime runtime, SyncDefinition sync, ConfigText text, CancellationToken cancellationToken)
    {
        var model = runtime.Project.Models[sync.Model];
        var problems = new List<DefinitionError>();
        foreach (var withTrigger in new[] { true, false })
        {
            var probe = new ProbeQuery(runtime.Project, model, sync, text, withTrigger);
            try
            {
                return (await runtime.Warehouse(model.Connection).DescribeAsync(new WarehouseQuery(probe.Sql, $"reverse-etl:{sync.Name}"), cancellationToken), problems);
            }
            catch (WarehouseException ex)
            {
                problems.Add(probe.Rejected(ex));
                if (!probe.InTrigger(ex))
                {
                    break;
                }
            }
        }

        return (null, problems);
    }

    // A field the sync maps is named at its name in 'fields:' (the vendor's name); one from an unmapped column, at the sync's model.
    private static DefinitionError FieldError(SyncDefinition sync, FieldProblem problem)
    {
        if (sync.Fields?.Any(f => f.Field == problem.Field) != true)
        {
            return sync.Source.Error("model", problem.Message);
        }

        var path = ConfigPath.Child(sync.Source.Path, $"fields.{problem.Field}");
        return new DefinitionError(sync.Source.Map.KeyAt(path), path, problem.Message);
    }
}
