namespace ReverseEtl.Abstractions.State;

/// <summary>One run per sync at a time, across processes.</summary>
public interface ISyncLock
{
    /// <summary>
    /// Takes the sync's run lock, held until the handle is disposed, or returns null when another process holds it (a
    /// scheduled run on another replica, or a <c>run --once</c>). The lock dies with the process that holds it, so a
    /// crash never leaves a sync locked.
    /// </summary>
    Task<IAsyncDisposable?> TryLockAsync(string sync, CancellationToken cancellationToken);
}
