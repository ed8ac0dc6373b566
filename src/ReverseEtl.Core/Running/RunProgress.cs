using System.Globalization;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Where a run is: rows read, records to send (planned, less any held back by a limit), sent and failed, whether the
/// model is still being read, and for how long the run has gone. From these, the send rate and, once the read is done,
/// the time left.
/// </summary>
public readonly record struct RunProgress(long RowsRead, long ToSend, long Sent, long Failed, bool Reading, TimeSpan Elapsed)
{
    /// <summary>Records answered (sent or failed) per second of the run so far; 0 before the first answer.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? (Sent + Failed) / Elapsed.TotalSeconds : 0;

    /// <summary>What is left to send at the rate so far, once the read is done and something was answered; else null.</summary>
    public TimeSpan? Left => Reading || Rate <= 0 ? null : TimeSpan.FromSeconds(Math.Max(0, ToSend - Sent - Failed) / Rate);

    /// <summary>One line: "12,000 rows read, 300 to send, 120 sent (40/s), about 5 s left".</summary>
    public override string ToString()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{RowsRead:N0} rows read{(Reading ? " so far" : string.Empty)}, {ToSend:N0} to send, {Sent:N0} sent");
        line += Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $", {Failed:N0} failed") : string.Empty;
        line += Sent + Failed > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({Rate:0.#}/s)") : string.Empty;
        return Left is { } left && ToSend > Sent + Failed ? $"{line}, about {Duration(left)} left" : line;
    }

    /// <summary>A duration as people read it: "45 s", "3 min 20 s", "2 h 5 min".</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(span.TotalSeconds):0} s")
        : span.TotalHours < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
}

/// <summary>
/// A window on a run while it goes: the caller hands one to <see cref="SyncRunner.RunAsync"/> and reads
/// <see cref="Current"/> from any thread (a progress display); null before the run has opened or after it was skipped.
/// </summary>
public sealed class RunWatch
{
    private volatile Func<RunProgress>? _source;

    /// <summary>
    /// The caller shows the run's progress and result itself (a terminal's live display, then a table): the run does not
    /// log its start, progress, result, failure, held plan or skip, so that nothing is printed twice.
    /// </summary>
    public bool ShowsResults { get; init; }

    /// <summary>The run's progress now, or null when it has not started reading.</summary>
    public RunProgress? Current => _source?.Invoke();

    internal void Attach(Func<RunProgress> source) => _source = source;
}
