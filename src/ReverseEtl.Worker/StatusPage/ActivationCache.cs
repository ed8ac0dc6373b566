using ReverseEtl.Core.Activation;

namespace ReverseEtl.Worker.StatusPage;

/// <summary>
/// Keeps the activation view for <see cref="Lifetime"/>, so that reloading the page does not query the warehouse each
/// time; requests that come while it is read share that one read. A read that failed is not kept: the next request
/// tries again. A read has <see cref="ReadTimeout"/> at most, whoever waits for it.
/// </summary>
internal sealed class ActivationCache(Func<CancellationToken, Task<ActivationReport?>> read, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(2);

    private readonly Lock _gate = new();
    private Task<ActivationReport?>? _read;
    private DateTimeOffset _until;

    public Task<ActivationReport?> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_read is null || now >= _until || _read.IsFaulted || _read.IsCanceled)
            {
                (_read, _until) = (ReadAsync(), now + Lifetime);
            }

            return _read.WaitAsync(cancellationToken);
        }
    }

    private async Task<ActivationReport?> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout, time);
        return await read(timeout.Token);
    }
}
