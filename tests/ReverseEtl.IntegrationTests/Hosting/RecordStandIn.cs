using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback CRM that keeps the records it is sent, by the key the worker writes them by, for tests that kill the
/// worker mid-batch (<see cref="HubSpotStandIn"/>, <see cref="SalesforceStandIn"/>), each write applied between two
/// random waits (<see cref="StoreDelays"/>). A record is matched among the live ones: once deleted, writing its key
/// creates a new record.
/// </summary>
internal abstract class RecordStandIn(int seed, int maxDelayMs) : IKilledVendor, IDisposable
{
    private readonly List<string> _violations = [];
    private readonly StoreDelays _delays = new(seed, maxDelayMs);

    protected WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>Every record ever created, deleted ones too; read and changed under a lock on the list.</summary>
    protected List<StoredRecord> Records { get; } = [];

    public string Url => Server.Url!;

    /// <summary>Writes whose request has arrived, applied or not yet.</summary>
    public int Received => _delays.Received;

    public (int BeforeStore, int AfterStore) InFlight => _delays.InFlight;

    /// <summary>Requests that broke the vendor's contract or came without the token.</summary>
    public IReadOnlyList<string> Violations { get { lock (Records) { return [.. _violations]; } } }

    /// <summary>The live records by key, each with its fields as last written.</summary>
    public IReadOnlyDictionary<string, JsonObject> Live
    {
        get { lock (Records) { return Records.Where(r => !r.Deleted).ToDictionary(r => r.Key, r => (JsonObject)r.Fields.DeepClone(), StringComparer.Ordinal); } }
    }

    public void Dispose() => Server.Dispose();

    protected void Arrived() => _delays.Arrived();

    /// <summary>Called under the lock: the live record of <paramref name="key"/> with <paramref name="fields"/> written over its own, or a new one.</summary>
    protected StoredRecord Write(string key, JsonObject fields, string idPrefix)
    {
        var record = Records.FirstOrDefault(r => !r.Deleted && r.Key == key);
        if (record is null)
        {
            record = new StoredRecord(idPrefix + (Records.Count + 1).ToString("D9", CultureInfo.InvariantCulture), key);
            Records.Add(record);
        }

        foreach (var (name, value) in fields)
        {
            record.Fields[name] = value?.DeepClone();
        }

        return record;
    }

    /// <summary>Applies a write under the lock between two random waits (<see cref="StoreDelays"/>).</summary>
    protected Task<T> AppliedWithDelaysAsync<T>(Func<T> apply) => _delays.StoredAsync(Records, apply);

    /// <summary>Null when the request carries <paramref name="token"/> and breaks no rule; otherwise notes why and returns the problems.</summary>
    protected IReadOnlyList<string>? Refused(IRequestMessage request, string token, IReadOnlyList<string> problems)
    {
        var auth = request.Headers?.TryGetValue("Authorization", out var a) == true ? a.FirstOrDefault() : null;
        IReadOnlyList<string> all = auth == $"Bearer {token}" ? problems : [.. problems, "no token"];
        if (all.Count == 0)
        {
            return null;
        }

        lock (Records)
        {
            _violations.AddRange(all.Select(p => $"{request.AbsolutePath}: {p}"));
        }

        return all;
    }

    protected static ResponseMessage Json(int status, JsonNode body) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json; charset=utf-8") },
        BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String },
    };

    protected sealed class StoredRecord(string id, string key)
    {
        public string Id { get; } = id;

        public string Key { get; } = key;

        public JsonObject Fields { get; } = [];

        public bool Deleted { get; set; }
    }
}
