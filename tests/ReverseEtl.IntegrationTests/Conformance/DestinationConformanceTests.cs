using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using ReverseEtl.Core.Running;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Tests.Support;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>
/// What every destination must do, against WireMock answering as its vendor documents: deliver each record once,
/// wait as the vendor asks, retry outages, survive a timeout without losing or (where the API is not idempotent)
/// repeating a write, fail one bad record alone, stop at once on bad credentials, and respect its batch limit.
/// Every request body is checked against the vendor's contract.
/// </summary>
public abstract class DestinationConformanceTests : IDisposable
{
    protected const string Sync = "push";

    /// <summary>How long a test waits for the traffic it expects before it fails, saying what it waited for.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _arrivals = new();
    private readonly SemaphoreSlim _traffic = new(0);

    protected DestinationConformanceTests()
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            // Sees each request as it arrives, before WireMock delays, answers and logs it (it logs only once it answered).
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(async (context, next) =>
            {
                _arrivals.Enqueue(context.Request.Path.Value ?? string.Empty);
                _traffic.Release();
                await next(context);
            }),
        });
        Server.LogEntriesChanged += (_, _) => _traffic.Release();
    }

    protected WireMockServer Server { get; }

    /// <summary>The path of the call that writes records, e.g. <c>/crm/v3/objects/companies/batch/upsert</c>.</summary>
    protected abstract string WritePath { get; }

    protected abstract int MaxBatchSize { get; }

    /// <summary>Whether a write that timed out or met a 5xx is repeated in the same run (true where the vendor's write is idempotent).</summary>
    protected abstract bool RepeatsAfterTimeout { get; }

    /// <summary>The run's error when the vendor refuses the credential.</summary>
    protected abstract string AuthError { get; }

    /// <summary>The destination connection (with <paramref name="timeoutSeconds"/> per attempt) and the sync's destination section, as YAML.</summary>
    protected abstract (string Connection, string SyncSection) Yaml(string baseUrl, int timeoutSeconds);

    /// <summary>Answers every call as the vendor does on success.</summary>
    protected abstract void AnswerSuccess();

    /// <summary>The vendor's "too many requests" answer, asking for a short wait in its own way.</summary>
    protected abstract IResponseBuilder RateLimited();

    protected abstract IResponseBuilder AuthRefused();

    /// <summary>The vendor's words for the rejection of <see cref="RejectRecord"/>, which <c>status</c> must show.</summary>
    protected abstract string RejectionText { get; }

    /// <summary>Answers so that the record with <paramref name="key"/> is rejected and the others succeed.</summary>
    protected abstract void RejectRecord(string key);

    /// <summary>How many records one write request carries.</summary>
    protected abstract int RecordsIn(ILogEntry request);

    /// <summary>Every contract violation of the request's body.</summary>
    protected abstract IReadOnlyList<string> ContractViolations(ILogEntry request);

    [Fact]
    public async Task Run_HappyPath_SendsEveryRecordOnceWithValidBodies_AndRerunSendsNothing()
    {
        AnswerSuccess();
        await using var project = Project(rows: 3);

        var first = await project.RunAsync(Sync);
        var writes = Writes().Count;
        var second = await project.RunAsync(Sync);

        Assert.Equal((RunStatus.Succeeded, 3L, 0L, (string?)null), (first.Status, first.Counts.Sent, first.Counts.Failed, first.Error));
        Assert.Equal((RunStatus.Succeeded, 0L, writes), (second.Status, second.Counts.Sent, Writes().Count));
        Assert.All(Server.LogEntries.Where(e => e.RequestMessage!.Method != "GET"), e => Assert.Empty(ContractViolations(e)));
    }

    [Fact]
    public async Task Run_AwkwardRows_NullsEmptyLongAndNonAsciiText_SentWithBodiesTheVendorDescribes()
    {
        AnswerSuccess();
        await using var project = Project(rows: 0, table: AwkwardRows.Accounts);

        var report = await project.RunAsync(Sync);

        Assert.Equal((RunStatus.Succeeded, AwkwardRows.Count, 0L, (string?)null), (report.Status, report.Counts.Sent, report.Counts.Failed, report.Error));
        var sent = Server.LogEntries.Where(e => e.RequestMessage!.Method != "GET").ToList();
        Assert.All(sent, e => Assert.Empty(ContractViolations(e)));
        var text = string.Concat(Writes().Select(e => System.Text.RegularExpressions.Regex.Unescape(e.RequestMessage!.Body!)));
        Assert.Contains("Zoë Ørsted — Café 東京", text, StringComparison.Ordinal); // non-ASCII arrives as itself
    }

    [Fact]
    public async Task Run_RateLimitedOnce_WaitsAsTheVendorAsksThenSends()
    {
        AnswerSuccess();
        OnceThen(RateLimited());
        var clock = new WaitingClock(TimeProvider.System.GetUtcNow());
        await using var project = Project(rows: 1, time: clock);

        var report = await clock.RunAsync(project.RunAsync(Sync)); // the vendor's wait passes on the fake clock

        AssertRateLimitedRun(report, Writes().Select(Status).ToList());
    }

    [Fact]
    public async Task Run_ServerErrorOnce_RetriesThenSendsOnlyWhereIdempotent()
    {
        AnswerSuccess();
        OnceThen(WireMockJson.Fixed(503, """{"message":"Service Unavailable"}"""));
        var clock = new WaitingClock(TimeProvider.System.GetUtcNow());
        await using var project = Project(rows: 1, time: clock);

        var report = await clock.RunAsync(project.RunAsync(Sync)); // the backoff passes on the fake clock

        // A post that met a 5xx may have been posted: it is not repeated, and its outcome is unknown.
        Assert.Equal(RepeatsAfterTimeout ? (RunStatus.Succeeded, 1L) : (RunStatus.PartiallyFailed, 0L), (report.Status, report.Counts.Sent));
        Assert.Equal(RepeatsAfterTimeout ? [503, 200] : [503], Writes().Select(Status));
    }

    [Fact]
    public async Task Run_WriteTimesOutOnce_NothingLostAndRepeatedOnlyWhereIdempotent()
    {
        AnswerSuccess();
        OnceThen(WireMockJson.Fixed(503, "{}").WithDelay(TimeSpan.FromSeconds(6)));
        await using var project = Project(rows: 1, timeoutSeconds: 2);

        var first = await project.RunAsync(Sync);
        var second = await project.RunAsync(Sync);

        await WhenLoggedAsync(writes: 2); // WireMock logs the slow answer only once it is given
        Assert.Equal(2, Writes().Count);
        Assert.Equal(RepeatsAfterTimeout ? (1L, 0L) : (0L, 1L), (first.Counts.Sent, second.Counts.Sent));
        Assert.Single(await project.State.LoadRecordsAsync(Sync, CancellationToken.None));
    }

    [Fact]
    public async Task Run_OneRecordRejected_OthersSentAndTheRejectionKeptWithTheVendorsMessage()
    {
        AnswerSuccess();
        RejectRecord("acc_002");
        await using var project = Project(rows: 3);

        var report = await project.RunAsync(Sync);

        Assert.Equal((RunStatus.PartiallyFailed, 2L, 1L), (report.Status, report.Counts.Sent, report.Counts.Failed));
        var status = Assert.Single(await project.State.GetStatusAsync(CancellationToken.None));
        Assert.Equal(1, status.FailingRecords);
        Assert.StartsWith("acc_002: ", status.LastFailure, StringComparison.Ordinal);
        Assert.Contains(RejectionText, status.LastFailure, StringComparison.Ordinal);
        Assert.Equal(["acc_001", "acc_003"], (await project.State.LoadRecordsAsync(Sync, CancellationToken.None)).Keys.Order());
    }

    [Fact]
    public async Task Run_CredentialRefused_FailsWithOneClearErrorAndNoRetryStorm()
    {
        Server.Given(Request.Create().WithPath("/*")).AtPriority(1).RespondWith(AuthRefused());
        await using var project = Project(rows: 3);

        var report = await project.RunAsync(Sync);

        Assert.Equal((RunStatus.Failed, AuthError), (report.Status, report.Error));
        Assert.Single(Server.LogEntries);
        Assert.Empty(await project.State.LoadRecordsAsync(Sync, CancellationToken.None));
    }

    [Fact]
    public async Task Run_MoreRecordsThanOneBatch_SplitsWithinTheVendorsLimit()
    {
        AnswerSuccess();
        var rows = (2 * MaxBatchSize) + 1;
        await using var project = Project(rows);

        var report = await project.RunAsync(Sync);

        Assert.Equal((long)rows, report.Counts.Sent);
        Assert.Equal(rows, Writes().Sum(RecordsIn));
        Assert.InRange(Writes().Max(RecordsIn), 1, MaxBatchSize);
    }

    [Fact]
    public async Task Run_StoppedWhileAWriteIsInFlight_TheWriteFinishesAndIsRecorded_TheRestWaitsForTheNextRun()
    {
        AnswerSuccess();
        Server.AddGlobalProcessingDelay(TimeSpan.FromMilliseconds(700));
        await using var project = Project(rows: 3, batchSize: 1);
        using var stop = new CancellationTokenSource();

        var running = project.RunAsync(Sync, stop.Token);
        // The first write was answered once the next request arrives (the run's first batch goes alone); each answer
        // takes 700 ms, so that request, the start of the second record's delivery, is now in flight (and, where the
        // vendor takes several batches at once, the third's too).
        await UntilAsync(() => RequestsAfterTheFirstWrite() > 0 || running.IsCompleted, "a request after the first write");
        await stop.CancelAsync();
        var stopped = await running;
        await WhenLoggedAsync(writes: (int)stopped.Counts.Sent);
        var sentBeforeStop = Writes().Sum(RecordsIn);
        var rerun = await project.RunAsync(Sync);

        Assert.Equal(RunStatus.Cancelled, stopped.Status);
        Assert.Equal(stopped.Counts.Sent, sentBeforeStop); // every write in flight finished and was recorded
        Assert.InRange(sentBeforeStop, 2, 3);
        Assert.Equal((RunStatus.Succeeded, 3L - sentBeforeStop), (rerun.Status, rerun.Counts.Sent));
        Assert.Equal(3, Writes().Sum(RecordsIn)); // so none was sent twice
        Assert.Equal(3, (await project.State.LoadRecordsAsync(Sync, CancellationToken.None)).Count);
    }

    /// <summary>What a run met with <see cref="RateLimited"/> once must show: by default, a wait and then the record sent.</summary>
    protected virtual void AssertRateLimitedRun(SyncRunReport report, IReadOnlyList<int> writeStatuses)
    {
        Assert.Equal((RunStatus.Succeeded, 1L), (report.Status, report.Counts.Sent));
        Assert.Equal([429, 200], writeStatuses);
    }

    public void Dispose()
    {
        Server.Dispose();
        _traffic.Dispose();
        GC.SuppressFinalize(this);
    }

    protected List<ILogEntry> Writes() =>
        Server.LogEntries.Where(e => e.RequestMessage!.Path == WritePath).OrderBy(e => e.RequestMessage!.DateTime).ToList();

    /// <summary>Waits until WireMock logged <paramref name="writes"/> writes (it logs a request once it answered it), or fails.</summary>
    private Task WhenLoggedAsync(int writes) => UntilAsync(() => Writes().Count >= writes, $"{writes} writes logged by WireMock");

    /// <summary>Waits, woken by each request arriving or logged, until <paramref name="condition"/> holds; fails after <see cref="WaitLimit"/>.</summary>
    private async Task UntilAsync(Func<bool> condition, string awaited)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            var left = WaitLimit - TimeProvider.System.GetElapsedTime(start);
            if (left <= TimeSpan.Zero || !await _traffic.WaitAsync(left))
            {
                Assert.Fail($"waited {WaitLimit.TotalSeconds} s for {awaited}; WireMock saw {string.Join(", ", _arrivals)} and logged {Server.LogEntries.Count}");
            }
        }
    }

    /// <summary>How many requests arrived after the first write arrived.</summary>
    private int RequestsAfterTheFirstWrite()
    {
        var arrivals = _arrivals.ToList();
        var first = arrivals.IndexOf(WritePath);
        return first < 0 ? 0 : arrivals.Count - first - 1;
    }

    private static int Status(ILogEntry entry) => (int)entry.ResponseMessage!.StatusCode!;

    /// <summary>The first write gets <paramref name="first"/>; later ones get the success answers.</summary>
    private void OnceThen(IResponseBuilder first) =>
        Server.Given(Request.Create().WithPath(WritePath)).InScenario("once").WillSetStateTo("answered").AtPriority(1).RespondWith(first);

    private TestProject Project(int rows, int timeoutSeconds = 30, int? batchSize = null, TimeProvider? time = null, string? table = null)
    {
        var project = new TestProject(time);
        project.Sql("wh.duckdb", table ?? $"""
            create table accounts as
            select printf('acc_%03d', i) as account_id, 'Account ' || i as account_name, printf('user%d@customer.example', i) as email, i as days_in_stage
            from range(1, {rows + 1}) t(i);
            """);
        var (connection, section) = Yaml(Server.Url!, timeoutSeconds);
        return project.WithFile("project.yaml", $$"""
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              dest:
            {{Indent(connection, 4)}}
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              {{Sync}}:
                model: accounts
                destination: dest
                {{(batchSize is { } size ? $"batch_size: {size}" : string.Empty)}}
            {{Indent(section, 4)}}
            """);
    }

    private static string Indent(string yaml, int spaces) =>
        string.Join("\n", yaml.Split('\n').Select(l => new string(' ', spaces) + l));
}
