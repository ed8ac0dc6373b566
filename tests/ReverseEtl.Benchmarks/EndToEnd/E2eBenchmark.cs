using System.Text.Json.Nodes;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e --rows N</c>: the worker as a user runs it, in one command. It generates N accounts in DuckDB, then measures,
/// each as a whole process: the first run (everything new, dry run), a run with nothing changed and a plan with 1%
/// changed, for each diff mode (worker, warehouse, warehouse with a snapshot), against DuckDB's own two-way <c>EXCEPT</c> on the same tables; peak RSS; rows moved
/// from the warehouse per changed row; and delivery against loopback stand-ins that enforce each vendor's limit.
/// </summary>
internal sealed class E2eBenchmark(E2eOptions options, TextWriter output)
{
    // The diff modes, by sync: in the worker, in the warehouse (key + hash rows read), against the warehouse's snapshot.
    private static readonly string[] Modes = ["worker", "warehouse", "snapshot"];
    private readonly Figures _figures = new(options.Repeat);
    private long _idle;
    private int _bucketBits;

    public async Task<int> RunAsync()
    {
        output.WriteLine($"e2e: {options.Rows:N0} rows, 1 in {options.ChangeEvery} changed, in {options.Directory}; publishing the worker as the Dockerfile does…");
        var worker = await Locations.PublishWorkerAsync(Path.Combine(options.Directory, "worker"));
        output.WriteLine($"  worker: {worker}");
        var space = new Workspace(Path.Combine(options.Directory, "diff"));
        space.Create(options.Rows, Projects.Diff());
        await DiffAsync(space, worker);
        if (options.DeliverySeconds > 0)
        {
            foreach (var vendor in new[] { "hubspot", "intercom", "slack" })
            {
                await DeliverAsync(vendor, worker);
            }
        }

        _figures.Write(output, options);
        return 0;
    }

    private async Task DiffAsync(Workspace space, string worker)
    {
        _idle = (await Worker(worker, space, "an idle worker (validate), for its own memory", "validate")).PeakRssBytes;
        await FirstRunsAsync(space, worker);
        foreach (var mode in Modes)
        {
            var outbox = space.OutboxSizes();
            var (unchanged, except) = await AgainstExceptAsync(space, "nothing changed", () => Worker(worker, space, $"nothing changed ({mode} diff)", "run", "--once", "--sync", $"bench-{mode}"));
            _figures.Ratio($"unchanged_run_{mode}", unchanged, except, $"run, nothing changed, diff: {mode}");
            _figures.Add($"unchanged_run_{mode}_requests", space.OutboxRequestsSince(outbox), "requests", $"run, nothing changed, diff: {mode}: requests written to the dry-run outbox by all its runs");
        }

        var changed = space.Change(options.ChangeEvery);
        _figures.Add("changed_rows", changed, "rows", "rows changed for the plan");
        var widths = space.Widths();
        foreach (var mode in Modes)
        {
            var (plan, except) = await AgainstExceptAsync(space, Changed, () => Worker(worker, space, $"plan ({mode} diff)", "plan", "--sync", $"bench-{mode}", "--json"));
            _figures.Ratio($"plan_{mode}", plan, except, $"plan, {Changed}, diff: {mode}");
            _figures.Add($"plan_{mode}_bytes_per_row", (plan.PeakRssBytes - _idle) / (double)options.Rows, "B/row", $"plan, diff: {mode}, peak RSS above an idle worker's ({Mib(_idle):0} MiB), per row{_figures.OfRuns}");
            Moved(mode, JsonNode.Parse(plan.Output)!.AsArray()[0]!["counts"]!, changed, widths);
        }

        await FloorsAsync(space);
    }

    // The first run of each mode, everything new: once each, since a first run changes the state.
    private async Task FirstRunsAsync(Workspace space, string worker)
    {
        var first = await Worker(worker, space, "first run (worker diff)", "run", "--once", "--sync", "bench-worker");
        _figures.Add("first_run_rows_per_s", options.Rows / first.Elapsed.TotalSeconds, "rows/s", "first run, everything new, dry run (worker diff)");
        _figures.Add("first_run_peak_rss_mib", Mib(first.PeakRssBytes), "MiB", "first run, peak RSS");
        var warehouse = await Worker(worker, space, "first run (warehouse diff)", "run", "--once", "--sync", "bench-warehouse");
        _figures.Add("first_run_warehouse_rows_per_s", options.Rows / warehouse.Elapsed.TotalSeconds, "rows/s", "first run, everything new, dry run (diff: warehouse: every row read whole)");
        _figures.Add("first_run_warehouse_peak_rss_mib", Mib(warehouse.PeakRssBytes), "MiB", "first run, diff: warehouse, peak RSS");
        var snapshot = await Worker(worker, space, "first run (snapshot diff)", "run", "--once", "--sync", "bench-snapshot");
        _figures.Add("first_run_snapshot_rows_per_s", options.Rows / snapshot.Elapsed.TotalSeconds, "rows/s", "first run, everything new, dry run (diff: warehouse with a snapshot, written after)");
    }

    // The command and DuckDB's EXCEPT, --repeat times each, alternately (the command, EXCEPT, the command, …), so that
    // the machine's slower and faster moments fall on both alike; their medians. The commands repeated here change
    // nothing the next one reads (a run with nothing to send, a plan, a floor), so their runs are alike.
    private async Task<(ChildResult Worker, ChildResult Except)> AgainstExceptAsync(Workspace space, string what, Func<Task<ChildResult>> run)
    {
        var (runs, excepts) = (new List<ChildResult>(), new List<ChildResult>());
        for (var i = 0; i < options.Repeat; i++)
        {
            runs.Add(await run());
            excepts.Add(await ExceptAsync(space, $"EXCEPT, {what}"));
        }

        return (ChildResult.Median(runs), ChildResult.Median(excepts));
    }

    // What no diff goes below on this machine (Floors): reading every value into .NET, reading and hashing every row as
    // diff: worker must, and the bucket query alone; each
    // against EXCEPT as the runs are.
    private async Task FloorsAsync(Workspace space)
    {
        var (read, readExcept) = await AgainstExceptAsync(space, Changed, () => SelfAsync("floor: every value read into .NET", "floor-read", space.DatabasePath));
        _figures.Ratio("floor_read", read, readExcept, "floor: every value of the model read into .NET, nothing else");
        var (hash, hashExcept) = await AgainstExceptAsync(space, Changed, () => SelfAsync("floor: every row read and its payload hashed", "floor-hash", space.DatabasePath));
        _figures.Ratio("floor_hash", hash, hashExcept, "floor: every row read into .NET and its payload hashed as the worker does, nothing else");
        if (_bucketBits > 0)
        {
            var bits = _bucketBits.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (buckets, bucketsExcept) = await AgainstExceptAsync(space, Changed, () => SelfAsync("floor: the bucket query alone", "floor-buckets", space.DatabasePath, bits));
            _figures.Ratio("floor_buckets", buckets, bucketsExcept, $"floor: diff: warehouse's bucket query alone ({1 << _bucketBits:N0} buckets)");
        }
    }

    // Rows and bytes the plan read from the warehouse per changed row: bucket sums, key + hash rows and full rows, by
    // average width (a bucket row: its number, count and sum, about 32 bytes); and the share of key + hash rows read.
    private void Moved(string mode, JsonNode counts, long changed, (double Row, double KeyAndHash) widths)
    {
        var (read, fetched) = (counts["rows_read"]!.GetValue<long>(), counts["rows_fetched"]!.GetValue<long>());
        var (keys, buckets) = (counts["keys_read"]!.GetValue<long>(), counts["buckets_read"]!.GetValue<long>());
        var whole = mode is "worker" or "snapshot";
        var moved = whole ? read + fetched : buckets + keys + fetched;
        var bytes = whole ? (read + fetched) * widths.Row : (buckets * 32.0) + (keys * widths.KeyAndHash) + (fetched * widths.Row);
        _figures.Add($"plan_{mode}_rows_moved_per_changed", moved / (double)Math.Max(1, changed), "rows", $"plan, diff: {mode}, rows from the warehouse per changed row");
        _figures.Add($"plan_{mode}_bytes_moved_per_changed", bytes / Math.Max(1, changed), "B", $"plan, diff: {mode}, bytes from the warehouse per changed row (average widths)");
        if (mode == "warehouse")
        {
            _bucketBits = buckets > 1 ? (int)Math.Round(Math.Log2(buckets)) : 0;
            _figures.Add("plan_warehouse_buckets_read", buckets, "rows", "plan, diff: warehouse, bucket sums read (one row per bucket of keys)");
            _figures.Add("plan_warehouse_keys_read_share", 100.0 * keys / Math.Max(1, read), "%", "plan, diff: warehouse, key + hash rows read, share of the model's rows");
        }
    }

    private async Task DeliverAsync(string vendor, string worker)
    {
        await using VendorStandIn standIn = vendor switch
        {
            "hubspot" => new HubSpotStandIn(Projects.HubSpotProperties),
            "intercom" => new IntercomStandIn(),
            _ => new SlackStandIn(channels: 5),
        };
        var records = (long)Math.Ceiling(standIn.Ceiling * options.DeliverySeconds);
        var space = new Workspace(Path.Combine(options.Directory, vendor));
        space.Create(records, Projects.Delivery(vendor, standIn.Url));
        var run = await Worker(worker, space, $"delivery to {vendor}", "run", "--once", "--sync", "deliver");
        var (span, ideal) = (Math.Max(0.001, standIn.Span.TotalSeconds), standIn.IdealSpan(standIn.Records).TotalSeconds);
        _figures.Add($"delivery_{vendor}_records_per_s", standIn.Records / span, "records/s", $"delivery to {vendor}: {standIn.Records:N0} of {records:N0} records, first to last in {span:0.0} s (whole run {run.Elapsed.TotalSeconds:0.0} s)");
        _figures.Add($"delivery_{vendor}_share_of_ceiling", 100 * standIn.Records / span / standIn.Ceiling, "%", $"delivery to {vendor}: records per second against the ceiling ({standIn.Ceiling:0.#} records/s, sustained)");
        _figures.Add($"delivery_{vendor}_share_of_shortest", 100 * Math.Min(1, ideal / span), "%", $"delivery to {vendor}: the shortest time the limit allows ({ideal:0.0} s, a first window's burst included) against the time taken");
        _figures.Add($"delivery_{vendor}_429s", standIn.RateLimited, "429s", $"delivery to {vendor}: rate-limit answers over {standIn.Requests:N0} requests");
    }

    private async Task<ChildResult> Worker(string worker, Workspace space, string what, params string[] args)
    {
        output.WriteLine($"  {what}…");
        return (await ChildProcess.RunAsync(worker, args, space.Environment())).EnsureSucceeded(what);
    }

    private Task<ChildResult> ExceptAsync(Workspace space, string what) => SelfAsync(what, "except", space.DatabasePath);

    // This benchmark's own program as a process of its own (a verb of Program.cs), on the workspace's tables.
    private async Task<ChildResult> SelfAsync(string what, params string[] args)
    {
        output.WriteLine($"  {what}…");
        var self = typeof(E2eBenchmark).Assembly.Location;
        return (await ChildProcess.RunAsync(self, args, new Dictionary<string, string>())).EnsureSucceeded(what);
    }

    // The plan's tables: one row in K changed.
    private string Changed => $"1 in {options.ChangeEvery} changed";

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;
}
