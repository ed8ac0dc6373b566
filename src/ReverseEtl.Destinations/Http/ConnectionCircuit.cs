using System.Globalization;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The circuit of one connection. Consecutive failures that look like an outage open it: <see cref="TimeoutLimit"/>
/// attempts that got no answer in time, or <see cref="FailureLimit"/> of any kind (no answer, no connection, a 5xx).
/// While open, every request of the connection fails at once; after <see cref="BreakDuration"/> one trial request goes
/// through, and its outcome closes the circuit or opens it again. Any answer that is not a 5xx closes it.
/// </summary>
/// <remarks>Thread-safe. One per connection for the life of the process, so the later syncs of a run find it open.</remarks>
internal sealed class ConnectionCircuit(TimeProvider time)
{
    /// <summary>Attempts in a row that got no answer within the timeout: each one cost a whole timeout.</summary>
    public const int TimeoutLimit = 2;

    /// <summary>Failed attempts in a row of any kind (they fail fast, so a few more are tried).</summary>
    public const int FailureLimit = 3;

    /// <summary>How long an open circuit refuses requests before one trial request.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private int _failures;
    private int _timeouts;
    private string _last = string.Empty;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;

    /// <summary>Null when a request may go (possibly as the trial); otherwise why it may not, naming the connection.</summary>
    public string? Refusal(string who)
    {
        lock (_gate)
        {
            if (_openUntil is not { } until)
            {
                return null;
            }

            if (time.GetUtcNow() >= until && !_trialInFlight)
            {
                _trialInFlight = true;
                return null;
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"circuit open for {who}: {_failures} consecutive failures, last: {_last}; retrying after {until.UtcDateTime:HH:mm:ss} UTC; the records stay due for the next run");
        }
    }

    /// <summary>An attempt got an answer that is not an outage: the circuit closes.</summary>
    public void Answered()
    {
        lock (_gate)
        {
            (_failures, _timeouts, _openUntil, _trialInFlight) = (0, 0, null, false);
        }
    }

    /// <summary>An attempt failed as an outage does; <paramref name="what"/> says how (never a secret or customer data).</summary>
    public void Failed(string what, bool timedOut)
    {
        lock (_gate)
        {
            (_failures, _last) = (_failures + 1, what);
            _timeouts = timedOut ? _timeouts + 1 : _timeouts;
            if (_trialInFlight || _failures >= FailureLimit || _timeouts >= TimeoutLimit)
            {
                _openUntil = time.GetUtcNow() + BreakDuration;
            }

            _trialInFlight = false;
        }
    }

    /// <summary>An attempt ended without telling anything about the vendor (the run was stopped): a trial is given back.</summary>
    public void Abandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }
}
