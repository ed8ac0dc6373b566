using System.Collections.Concurrent;

namespace ReverseEtl.Destinations.Http;

/// <summary>
/// The end of the chain: the network, or for a connection without credentials the dry-run outbox, which appends each
/// request as one JSON line (<c>at</c>, <c>method</c>, <c>url</c>, <c>body</c>: the bytes the vendor would get, see
/// <see cref="OutboxLine"/>) and answers as the vendor would on success.
/// </summary>
internal sealed class OutboxOrNetworkHandler(TimeProvider time)
    : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    /// <summary>The largest answer read (16 MiB): a proxy or vendor sending more fails the call instead of filling memory.</summary>
    private const long MaxAnswer = 16 * 1024 * 1024;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (HttpConnection.Of(request).DryRun is not { } target)
        {
            // Read the whole body inside the attempt's timeout: a vendor that sends headers and then stalls is bounded too.
            var answer = await base.SendAsync(request, cancellationToken);
            try
            {
                await answer.Content.LoadIntoBufferAsync(MaxAnswer, cancellationToken);
                return answer;
            }
            catch
            {
                answer.Dispose();
                throw;
            }
        }

        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var (line, body) = OutboxLine.Of(time.GetUtcNow(), request.Method.Method, request.RequestUri?.ToString(), bytes);
        using var document = body;
        target.Writing();
        await WriteAsync(target.OutboxPath, line, cancellationToken);

        var response = target.Respond(request, body?.RootElement);
        response.RequestMessage = request;
        return response;
    }

    private async Task WriteAsync(string path, IReadOnlyList<ReadOnlyMemory<byte>> line, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await AppendAsync(path, line, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    // One line at a time across processes too (two `run --once` on one data folder): the file is opened exclusively
    // (flock on Linux and macOS) and the line's parts written at its end in one call (one pwritev on Linux); a process
    // that finds it held waits its turn.
    // The folder is made when a line finds it missing (the first line, or after someone removed it), not before each
    // line: a first run writes 10,000 lines.
    private async Task AppendAsync(string path, IReadOnlyList<ReadOnlyMemory<byte>> line, CancellationToken cancellationToken)
    {
        var made = 0;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 1);
                await RandomAccess.WriteAsync(file.SafeFileHandle, line, file.Position, cancellationToken); // an appending stream starts at the end
                return;
            }
            catch (IOException ex) when (ex is DirectoryNotFoundException or FileNotFoundException && ++made <= 3)
            {
                // Made at most three times (again should it vanish at once): a path that cannot be made, such as a
                // broken link, fails here rather than spinning. The runtime names a missing folder FileNotFound when it
                // finds the folder there by the time it looks: another process made it in between (seen with two
                // `run --once` on a new data folder); opening to append fails so only when the folder is missing.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            catch (IOException ex) when (HeldElsewhere(ex) && attempt < 1_000)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken);
            }
        }
    }

    // The file is locked by another process: EWOULDBLOCK from flock on Linux (11) and macOS (35), a sharing or lock
    // violation on Windows. Any other error (a full disk, no permission) is thrown.
    private static bool HeldElsewhere(IOException ex) =>
        ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}
