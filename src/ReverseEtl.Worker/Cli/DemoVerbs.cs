using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Warehouses.DuckDb;
using ReverseEtl.Warehouses.DuckDb.Demo;
using ReverseEtl.Worker.Hosting;
using static ReverseEtl.Worker.Cli.ReverseEtlCommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>
/// The demo verbs: advance the generated demo warehouse in time, make an account stagnant, go back to the generated
/// data. They act on a <c>duckdb</c> connection with <c>demo: true</c> only, and refuse any other naming it and why.
/// </summary>
internal sealed class DemoVerbs(CliContext cli, LoadedProject loaded, RuntimePaths paths)
{
    public Task<int> AdvanceAsync(string? connection, int days, bool clockOnly) => OnDemo(connection, path =>
    {
        if (days is < 1 or > DemoTimeline.MaxDays)
        {
            cli.Error.WriteLine($"demo advance: --days must be a whole number from 1 to {DemoTimeline.MaxDays}, not {days}.");
            return InvalidDefinitions;
        }

        var a = DemoTimeline.Advance(path, days, clockOnly);
        var what = clockOnly
            ? "only the clock moved (--clock-only): days in stage grew, no account moved a stage and no overlap appeared"
            : $"{a.StageMoves} stage move(s) ({a.Activations} of them activations) and {a.NewOverlaps} new partner overlap(s); days in stage grew";
        cli.Output.WriteLine($"Demo warehouse {path}: {days} day(s) on, refreshed at {a.To:yyyy-MM-dd HH:mm} UTC (was {a.From:yyyy-MM-dd HH:mm}): {what}.");
        cli.Output.WriteLine("`run --once` now sends what that changed, and only that.");
        return Ok;
    });

    public Task<int> StagnateAsync(string? connection, string account) => OnDemo(connection, path =>
    {
        var s = DemoTimeline.Stagnate(path, account);
        cli.Output.WriteLine($"Demo warehouse {path}: {s.AccountId} has been in {s.Stage} since {s.EnteredAt:yyyy-MM-dd HH:mm} UTC, {s.DaysInStage} days at the refresh: stagnant by play (a)'s rule. The next `run --once` alerts its CSM.");
        return Ok;
    });

    public Task<int> ResetAsync(string? connection) => OnDemo(connection, path =>
    {
        DemoTimeline.Reset(path);
        cli.Output.WriteLine($"Demo warehouse {path}: back to the generated data. The state store still remembers what was sent, so the next run sends what the reset changed back; to start the demo over, also delete state.db and outbox/ in the data folder.");
        return Ok;
    });

    // Runs the verb on the demo file of the connection named, or of the one the models read from.
    private Task<int> OnDemo(string? name, Func<string, int> verb)
    {
        var result = loaded.Result;
        if (result.Project is not { } project)
        {
            result.Errors.ToList().ForEach(cli.Error.WriteLine);
            cli.Error.WriteLine($"{result.Errors.Count} problem(s) in the definitions under {paths.ConfigDirectory}.");
            return Task.FromResult(InvalidDefinitions);
        }

        var problem = Choose(project, name, out var connection) ?? Refusal(connection!, chosenByModels: name is null);
        if (problem is not null)
        {
            cli.Error.WriteLine(problem);
            return Task.FromResult(InvalidDefinitions);
        }

        return Task.FromResult(verb(DuckDbOptions.From(connection!.Settings).Path));
    }

    private static string? Choose(ProjectDefinition project, string? name, out ConnectionDefinition? connection)
    {
        connection = null;
        var used = project.Models.Values.Select(m => m.Connection).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        name ??= used.Count == 1 ? used[0] : null;
        if (name is null)
        {
            return $"demo: the models read from {(used.Count == 0 ? "no connection" : string.Join(", ", used))}; name the demo connection with --connection NAME.";
        }

        return project.Connections.TryGetValue(name, out connection) ? null
            : $"demo: there is no connection '{name}'; defined: {string.Join(", ", project.Connections.Keys.Order(StringComparer.Ordinal))}.";
    }

    private static string? Refusal(ConnectionDefinition connection, bool chosenByModels)
    {
        var by = chosenByModels ? " (the connection the models read from)" : string.Empty;
        const string Only = "the demo verbs change only the generated demo warehouse (a duckdb connection with demo: true), never a warehouse of yours";
        if (!connection.IsWarehouse || connection.Settings.Type != DuckDbConnector.TypeName)
        {
            var kind = connection.IsWarehouse ? "warehouse" : "destination";
            return $"demo: connection '{connection.Name}'{by} is a {connection.Settings.Type} {kind}, not the demo: {Only}. To use the demo, run with RETL_WAREHOUSE=duckdb or name a demo connection with --connection.";
        }

        var options = DuckDbOptions.From(connection.Settings);
        return options.Demo ? null
            : $"demo: connection '{connection.Name}'{by} is the DuckDB file {options.Path} (demo: false), not the demo: {Only}.";
    }
}
