using System.Runtime.ExceptionServices;

namespace ReverseEtl.Core.Running;

/// <summary>
/// Two sides of a comparison run on their own cores (the warehouse's rows and the stored state's sums): the one that
/// fails first stops the other, and its error is the one to throw (<see cref="FirstFailure"/>), not the other's at being stopped.
/// </summary>
internal sealed class SideStop(CancellationToken cancellationToken) : IDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    private ExceptionDispatchInfo? _first;

    public CancellationToken Token => _stop.Token;

    public ExceptionDispatchInfo? FirstFailure => Volatile.Read(ref _first);

    public async Task<T> RunAsync<T>(Func<Task<T>> side)
    {
        try
        {
            return await side();
        }
        catch (Exception failure)
        {
            Interlocked.CompareExchange(ref _first, ExceptionDispatchInfo.Capture(failure), null);
            await _stop.CancelAsync();
            throw;
        }
    }

    public void Dispose() => _stop.Dispose();
}
