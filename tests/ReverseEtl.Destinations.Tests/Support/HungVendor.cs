using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ReverseEtl.Tests.Support;

/// <summary>
/// A loopback vendor that accepts TCP connections, reads what comes and never answers: each connection is held open
/// until disposal. It counts the HTTP requests it has read (one per request line).
/// </summary>
public sealed class HungVendor : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public HungVendor()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The host and port, as error messages name them.</summary>
    public string Host => Url.Authority;

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _held)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _held.Add(client);
                _ = ReadAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    // Counts request lines ("GET /path HTTP/1.1"); bodies are read and dropped.
    private async Task ReadAsync(TcpClient client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var stream = client.GetStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                var lines = text.Split("\r\n").Count(l => l.Split(' ') is [var verb, _, var version] && version.StartsWith("HTTP/", StringComparison.Ordinal) && verb.All(char.IsAsciiLetterUpper));
                Interlocked.Add(ref _requests, lines);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the test is over, or the client gave up on the connection
        }
    }
}
