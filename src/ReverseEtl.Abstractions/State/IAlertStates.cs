namespace ReverseEtl.Abstractions.State;

/// <summary>
/// The last alerted state of each sync, alert route and condition, so that an alert goes out once per change of state
/// and not again while it stays the same.
/// </summary>
/// <remarks>Thread-safe. Each method is atomic. Callers hold the sync's lock, so one process at a time changes a sync's alert state.</remarks>
public interface IAlertStates
{
    /// <summary>The alert states stored for <paramref name="sync"/>, every route and condition; none before its first alert.</summary>
    Task<IReadOnlyList<AlertState>> LoadAlertStatesAsync(string sync, CancellationToken cancellationToken);

    /// <summary>Stores the state of one route and condition of <paramref name="sync"/>, replacing the one stored.</summary>
    Task SaveAlertStateAsync(string sync, AlertState state, CancellationToken cancellationToken);
}

/// <summary>Whether a condition held (<paramref name="Active"/>) as last alerted on <paramref name="Route"/>, and since which run.</summary>
/// <param name="Route">The alert's name under <c>alerts:</c>.</param>
/// <param name="Condition">The condition tracked: <c>failed</c>, <c>held</c> or <c>rejected</c> (<c>recovered</c> is <c>failed</c> ending).</param>
/// <param name="Active">Whether the condition held at the last change.</param>
/// <param name="RunId">The run that changed it.</param>
/// <param name="ChangedAt">When it changed.</param>
public sealed record AlertState(string Route, string Condition, bool Active, long RunId, DateTimeOffset ChangedAt);
