using System.CommandLine;

namespace ReverseEtl.Worker.Cli;

/// <summary>The verbs about one sync's runs and records: history, failures, retry, skip, reset, approve.</summary>
public sealed partial class ReverseEtlCommandLine
{
    // One instance of each option, shared by the verbs that take it: a parse result reads values by instance.
    private static readonly Option<string> SyncName = new("--sync") { Description = "The sync.", Required = true };
    private static readonly Option<int> Limit = new("--limit") { Description = "At most this many (default 50).", DefaultValueFactory = _ => 50 };
    private static readonly Option<int> Runs = new("--limit") { Description = "At most this many runs (default 20).", DefaultValueFactory = _ => 20 };
    private static readonly Option<bool> All = new("--all") { Description = "Every failing record of the sync." };
    private static readonly Option<bool> Json = new("--json") { Description = "Print one JSON document (snake_case) instead of lines." };
    private static readonly Option<bool> PreviewAll = new("--all") { Description = "With --sync: render the current rows through the mapping and templates, even those that did not change." };
    private static readonly Option<string?> PreviewKey = new("--key") { Description = "With --sync: render the current row of this key." };
    private static readonly Option<int> PreviewLimit = new("--limit") { Description = "With --all: at most this many rows (default 20).", DefaultValueFactory = _ => 20 };
    private static readonly Option<string?> Key = new("--key") { Description = "The record's key, as `failures` shows it." };

    private int Usage(string message)
    {
        _cli.Error.WriteLine(message);
        return InvalidDefinitions;
    }

    private void AddRecordVerbs()
    {
        Add(new Command("history", "List a sync's latest runs, newest first: start, duration, process, status, counts and error; with --key, what each recent run did with that record.") { SyncName, Runs, Json, Key },
            (r, ct) => Verb<RecordVerbs>(v => r.GetValue(Key) is { } key ? v.RecordHistoryAsync(r.GetValue(SyncName)!, key, r.GetValue(Runs), r.GetValue(Json), ct) : v.HistoryAsync(r.GetValue(SyncName)!, r.GetValue(Runs), r.GetValue(Json), ct)));
        Add(new Command("explain", "What a run would do now with one record, and why: the row now, the stored state, the decision, the body; what earlier runs left open; what recent runs did with it.") { SyncName, Key, Json },
            (r, ct) => Verb<Verbs>(v => r.GetValue(Key) is { } key ? v.ExplainAsync(r.GetValue(SyncName)!, key, r.GetValue(Json), ct) : Task.FromResult(Usage("explain needs --key KEY"))));
        Add(new Command("failures", "List a sync's failing records: key, attempts, first and last failure, parked or retrying, the vendor's message.") { SyncName, Limit, Json },
            (r, ct) => Verb<RecordVerbs>(v => v.FailuresAsync(r.GetValue(SyncName)!, r.GetValue(Limit), r.GetValue(Json), ct)));
        Add(new Command("retry", "Send failing records again on the sync's next run, parked ones too.") { SyncName, Key, All },
            (r, ct) => Verb<RecordVerbs>(v => v.RetryAsync(r.GetValue(SyncName)!, r.GetValue(Key), r.GetValue(All), ct)));
        Add(new Command("skip", "Record failing records as delivered without sending them: they are sent again only when their row changes.") { SyncName, Key, All },
            (r, ct) => Verb<RecordVerbs>(v => v.SkipAsync(r.GetValue(SyncName)!, r.GetValue(Key), r.GetValue(All), ct)));
        Add(new Command("reset", "Forget everything a sync delivered: its next run sends every row again, within its limits.") { SyncName },
            (r, ct) => Verb<RecordVerbs>(v => v.ResetAsync(r.GetValue(SyncName)!, ct)));
        Add(new Command("approve", "Release a sync's held plans (sends held back by its limits) once, for its next run.") { SyncName },
            (r, ct) => Verb<RecordVerbs>(v => v.ApproveAsync(r.GetValue(SyncName)!, ct)));
    }
}
