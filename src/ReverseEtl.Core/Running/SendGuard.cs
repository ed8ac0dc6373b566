using System.Globalization;
using ReverseEtl.Abstractions;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Diff;

namespace ReverseEtl.Core.Running;

/// <summary>
/// The sync's <c>limits:</c> applied to a run. Records of a limited kind wait (at most the limit of them) until the
/// model was read; then, if their count is within the limit, or within the count of an approved plan, they go to the
/// destination; otherwise none of that kind is sent and a held plan says why. Unlimited kinds go at once. At most
/// <see cref="MaxWaiting"/> records of a kind wait in memory: a limit above that holds the kind past it.
/// </summary>
internal sealed class SendGuard(SyncRunContext context, Outbound outbound)
{
    private const int SampleCount = 5;

    /// <summary>The most records of one limited kind that wait for the end of the read: past it, the kind is held.</summary>
    public const long MaxWaiting = 50_000;
    private readonly Dictionary<SendKind, Bucket> _buckets = [];

    private long _withheld;

    /// <summary>How many records were held back so far (safe to read from another thread: a progress display).</summary>
    public long Withheld => Interlocked.Read(ref _withheld);

    public Task AddAsync(RowChange change, SyncRecord record, CancellationToken cancellationToken)
    {
        var kind = KindOf(context, record.Action);
        var allowed = Allowed(context, kind);
        if (allowed == long.MaxValue)
        {
            return outbound.AddAsync(change, record, cancellationToken);
        }

        if (!_buckets.TryGetValue(kind, out var bucket))
        {
            _buckets[kind] = bucket = new Bucket(Math.Min(allowed, MaxWaiting));
        }

        foreach (var (held, heldRecord) in bucket.Add(change, record))
        {
            context.Book.Note(held, heldRecord.Action, "held", $"more {Name(kind)} than limits.{Name(kind)} allow; `approve --sync {context.Sync.Name}` sends them", decision: "held");
        }

        Interlocked.Exchange(ref _withheld, _buckets.Sum(b => b.Value.Over ? b.Value.Count : 0));
        return Task.CompletedTask;
    }

    /// <summary>Sends the waiting records of every kind within its limit; returns the plans held for the others.</summary>
    public async Task<List<HeldPlan>> ReleaseAsync(CancellationToken cancellationToken)
    {
        foreach (var (change, record) in _buckets.Values.Where(b => !b.Over).SelectMany(b => b.Waiting))
        {
            await outbound.AddAsync(change, record, cancellationToken);
        }

        await outbound.FlushAsync(cancellationToken);
        return _buckets.Where(b => b.Value.Over).Select(b => Held(b.Key, b.Value)).ToList();
    }

    /// <summary>The kind of send a record of this sync is.</summary>
    public static SendKind KindOf(SyncRunContext context, RecordAction action) => context.Sync.Mode == SyncMode.Trigger ? SendKind.Messages : action switch
    {
        RecordAction.Enter => SendKind.Creates,
        RecordAction.Change => SendKind.Updates,
        _ => SendKind.Deletes,
    };

    /// <summary>How many of <paramref name="kind"/> this run may send: the limit, or an approved plan's count when larger.</summary>
    public static long Allowed(SyncRunContext context, SendKind kind) =>
        Math.Max(context.Sync.Limits.For(kind, context.Saved.FirstRun).Allowed(context.Saved.Held), context.Saved.Approvals.GetValueOrDefault(Name(kind)));

    public static string Name(SendKind kind) => kind.ToString().ToLowerInvariant();

    private HeldPlan Held(SendKind kind, Bucket bucket)
    {
        var name = Name(kind);
        var limit = context.Sync.Limits.For(kind, context.Saved.FirstRun).Describe(context.Saved.Held);
        var over = Allowed(context, kind) > MaxWaiting
            ? $"more than the {MaxWaiting} that may wait in memory for limits.{name} ({limit})"
            : $"more than limits.{name} ({limit})";
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"{bucket.Count} {name} planned, {over}; none of them was sent. Check them with `plan --sync {context.Sync.Name}`, then `approve --sync {context.Sync.Name}` to send them on the next run, or raise limits.{name} (none: no limit, sent as read)");
        return new HeldPlan(name, bucket.Count, bucket.Allowed, reason) { RunId = context.RunId, Samples = bucket.Samples };
    }

    private sealed class Bucket(long allowed)
    {
        public long Allowed => allowed;

        public long Count { get; private set; }

        public bool Over => Count > allowed;

        public List<(RowChange Change, SyncRecord Record)> Waiting { get; } = [];

        public List<string> Samples { get; } = [];

        /// <summary>Adds a record; returns those held back by it (all that waited, once the kind passes its limit, then each new one).</summary>
        public List<(RowChange Change, SyncRecord Record)> Add(RowChange change, SyncRecord record)
        {
            Count++;
            if (Samples.Count < SampleCount)
            {
                Samples.Add(change.Key);
            }

            if (Over)
            {
                var dropped = Waiting.Append((change, record)).ToList();
                Waiting.Clear(); // none of the kind goes: what waited is dropped, memory stays within the limit
                return dropped;
            }

            Waiting.Add((change, record));
            return [];
        }
    }
}
