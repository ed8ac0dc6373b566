using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Tests.Support;

/// <summary>The alert states, in memory.</summary>
internal sealed partial class MemoryStateStore
{
    public Dictionary<(string Sync, string Route, string Condition), AlertState> AlertStates { get; } = [];

    public Task<IReadOnlyList<AlertState>> LoadAlertStatesAsync(string sync, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AlertState>>(AlertStates.Where(s => s.Key.Sync == sync).Select(s => s.Value).ToList());

    public Task SaveAlertStateAsync(string sync, AlertState state, CancellationToken cancellationToken)
    {
        AlertStates[(sync, state.Route, state.Condition)] = state;
        return Task.CompletedTask;
    }
}
