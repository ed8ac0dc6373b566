using System.CommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>The demo verbs: <c>demo advance</c>, <c>demo stagnate</c>, <c>demo reset</c>, on the generated demo warehouse only.</summary>
public sealed partial class ReverseEtlCommandLine
{
    private static readonly Option<string?> DemoConnection = new("--connection") { Description = "The demo connection (a duckdb connection with demo: true); default: the one the models read from." };
    private static readonly Option<int> AdvanceDays = new("--days") { Description = "How many days to move on (1 to 3650).", Required = true };
    private static readonly Option<bool> ClockOnly = new("--clock-only") { Description = "Move only the clock: days in stage grow, but no account moves a stage or activates and no overlap appears." };
    private static readonly Option<string> DemoAccount = new("--account") { Description = "The account's id, e.g. acc_0002.", Required = true };

    private void AddDemoVerbs()
    {
        var demo = new Command("demo", "Change the generated demo warehouse (never another): move it through time, make an account stagnant, or go back to the generated data.");
        Add(demo, new Command("advance", "Move the demo forward: the refresh time moves, days in stage grow, some accounts move a stage or activate and some partner overlaps appear, all from a fixed seed.") { AdvanceDays, ClockOnly, DemoConnection },
            (r, _) => Verb<DemoVerbs>(v => v.AdvanceAsync(r.GetValue(DemoConnection), r.GetValue(AdvanceDays), r.GetValue(ClockOnly))));
        Add(demo, new Command("stagnate", "Make one account stagnant: its stage entered 30 days before the refresh, so that the next run alerts its CSM.") { DemoAccount, DemoConnection },
            (r, _) => Verb<DemoVerbs>(v => v.StagnateAsync(r.GetValue(DemoConnection), r.GetValue(DemoAccount)!)));
        Add(demo, new Command("reset", "Go back to the generated demo data.") { DemoConnection },
            (r, _) => Verb<DemoVerbs>(v => v.ResetAsync(r.GetValue(DemoConnection))));
        _root.Subcommands.Add(demo);
    }

    private static void Add(Command parent, Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(action);
        parent.Subcommands.Add(command);
    }
}
