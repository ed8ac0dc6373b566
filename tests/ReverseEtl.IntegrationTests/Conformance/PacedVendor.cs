using System.Text.Json.Nodes;
using ReverseEtl.Tests.Support;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>One request as a <see cref="PacedVendor"/> saw it: on the test's clock, with its JSON body and the answer's status.</summary>
internal sealed record PacedRequest(DateTimeOffset At, string Path, JsonNode? Body, int Status);

/// <summary>An answer of a <see cref="PacedVendor"/>: status, JSON body and headers.</summary>
internal sealed record PacedAnswer(int Status, string Json, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A vendor on WireMock that keeps its rate limit on the test's clock (a fake one moves only when the worker waits),
/// so the test can check each request's time against the vendor's window exactly. It answers through
/// <c>answer(path, body, now)</c> under a lock and keeps every request. On a <see cref="WaitingClock"/>, it is the
/// clock's <see cref="WaitingClock.Busy"/> while it answers: the clock does not jump past a request still being answered.
/// </summary>
internal sealed class PacedVendor : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly Lock _gate = new();
    private int _inFlight;
    private readonly List<PacedRequest> _requests = [];
    private readonly TimeProvider _time;
    private readonly Func<string, JsonNode?, DateTimeOffset, PacedAnswer> _answer;

    public PacedVendor(TimeProvider time, Func<string, JsonNode?, DateTimeOffset, PacedAnswer> answer)
    {
        (_time, _answer) = (time, answer);
        if (time is WaitingClock clock)
        {
            clock.Busy = () => Volatile.Read(ref _inFlight) > 0;
        }

        _server.Given(Request.Create().WithPath("/*")).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => _server.Url!;

    public IReadOnlyList<PacedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public void Dispose() => _server.Dispose();

    private ResponseMessage Answer(IRequestMessage request)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return Answered(request);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private ResponseMessage Answered(IRequestMessage request)
    {
        var body = string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        PacedAnswer answer;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            answer = _answer(request.Path, body, now);
            _requests.Add(new PacedRequest(now, request.Path, body, answer.Status));
        }

        var headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            headers[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage
        {
            StatusCode = answer.Status,
            Headers = headers,
            BodyData = new BodyData { BodyAsString = answer.Json, DetectedBodyType = BodyType.String },
        };
    }
}
