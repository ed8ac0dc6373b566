using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ReverseEtl.Tests.Support;

/// <summary>
/// A loopback vendor that accepts TCP connections, reads what comes and never answers: each connection is held open
/// until disposal. It keeps the path of each HTTP request it has read (one per request line).
/// </summary>
public sealed class HungVendor : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _paths = new();

    public HungVendor()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The host and port, as error messages name them.</summary>
    public string Host => Url.Authority;

    public int Requests => _paths.Count;

    /// <summary>The requests read whose path starts with <paramref name="pathPrefix"/>.</summary>
    public int RequestsTo(string pathPrefix) => _paths.Count(p => p.StartsWith(pathPrefix, StringComparison.Ordinal));

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

    // Keeps the path of each request line ("GET /path HTTP/1.1"); bodies are read and dropped.
    private async Task ReadAsync(TcpClient client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var stream = client.GetStream();
            int read;
            while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
            {
                foreach (var line in System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n"))
                {
                    if (line.Split(' ') is [var verb, var path, var version] && version.StartsWith("HTTP/", StringComparison.Ordinal) && verb.All(char.IsAsciiLetterUpper))
                    {
                        _paths.Enqueue(path);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException)
        {
            // the test is over, or the client gave up on the connection
        }
    }
}
