using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>An answer from a stand-in: status, JSON body (or none) and headers.</summary>
internal sealed record StandInAnswer(int Status, string? Json, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A vendor on loopback, enforcing its documented rate limit exactly. It counts what it accepted and how many requests
/// it refused with 429, and times the first and last accepted request, which gives the rate the worker reached.
/// </summary>
internal abstract class VendorStandIn : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan? _first;
    private TimeSpan _last;

    protected VendorStandIn()
    {
        Url = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    /// <summary>Records accepted (a batch counts each of its records).</summary>
    public long Records { get; private set; }

    public long Requests { get; private set; }

    public long RateLimited { get; private set; }

    /// <summary>From the first accepted record to the last.</summary>
    public TimeSpan Span => _first is { } first ? _last - first : TimeSpan.Zero;

    /// <summary>The documented ceiling for this test, in records per second, sustained.</summary>
    public abstract double Ceiling { get; }

    /// <summary>
    /// The shortest time from the first to the last of <paramref name="records"/> that the limit allows: what a worker at
    /// the ceiling would take (a window's worth goes at once, then a window per window's worth).
    /// </summary>
    public abstract TimeSpan IdealSpan(long records);

    protected TimeSpan Now => _clock.Elapsed;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _listener.Close();
    }

    /// <summary>The answer to one request; called under a lock, so a subclass keeps its counts without its own.</summary>
    protected abstract StandInAnswer Answer(string method, string path, string? token, string body, out int accepted);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return; // stopped
            }

            _ = Task.Run(() => RespondAsync(context));
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        StandInAnswer answer;
        lock (_gate)
        {
            answer = Answer(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body, out var accepted);
            Requests++;
            RateLimited += answer.Status == 429 ? 1 : 0;
            if (accepted > 0)
            {
                (_first, _last, Records) = (_first ?? Now, Now, Records + accepted);
            }
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (answer.Json is { } json)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(json));
        }

        context.Response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
