using System.Globalization;

namespace ReverseEtl.Core.Definitions;

/// <summary>The kinds of send a sync's <c>limits:</c> bound per run.</summary>
public enum SendKind
{
    /// <summary>Messages and events of a trigger sync.</summary>
    Messages,

    /// <summary>Records new to the sync (upsert, create_only, mirror).</summary>
    Creates,

    /// <summary>Records that changed.</summary>
    Updates,

    /// <summary>Records a mirror deletes.</summary>
    Deletes,
}

/// <summary>
/// The most sends of one kind a run may make: a count, a share of the records the sync holds, or (for the defaults)
/// whichever is larger; unlimited when neither is set.
/// </summary>
public sealed record SendLimit(long? Count, double? Percent)
{
    public static readonly SendLimit None = new(null, null);

    public bool Unlimited => Count is null && Percent is null;

    /// <summary>How many sends of the kind a run may make when the sync holds <paramref name="held"/> records.</summary>
    public long Allowed(long held) => Unlimited ? long.MaxValue : Math.Max(Count ?? 0, (long)Math.Floor((Percent ?? 0) * held / 100));

    /// <summary>The limit as the YAML states it, e.g. <c>1000 or 50% of 2151 held</c>.</summary>
    public string Describe(long held) => (Count, Percent) switch
    {
        (null, null) => "none",
        ({ } count, null) => count.ToString(CultureInfo.InvariantCulture),
        (null, { } percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0.##}% of {held} held"),
        ({ } count, { } percent) => string.Create(CultureInfo.InvariantCulture, $"the larger of {count} and {percent:0.##}% of {held} held"),
    };

    /// <summary>Reads a YAML value the schema allowed: a whole number, <c>N%</c>, or <c>none</c>.</summary>
    public static SendLimit Parse(string text) =>
        text == "none" ? None
        : text.EndsWith('%') ? new SendLimit(null, double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : new SendLimit(long.Parse(text, CultureInfo.InvariantCulture), null);
}

/// <summary>A sync's <c>limits:</c>, with the defaults that stop a flood where the YAML is silent.</summary>
public sealed record SendLimits
{
    public static readonly SendLimits Default = new();

    public SendLimit Messages { get; init; } = new(100, 10);

    public SendLimit Creates { get; init; } = new(1000, 50);

    public SendLimit Updates { get; init; } = new(1000, 50);

    public SendLimit Deletes { get; init; } = new(null, 20);

    /// <summary>Whether <c>limits.creates</c> is set: the default does not hold back a sync's first backfill.</summary>
    public bool CreatesSet { get; init; }

    /// <summary>The limit of <paramref name="kind"/>; <paramref name="firstRun"/>: no run of the sync has completed yet (its backfill).</summary>
    public SendLimit For(SendKind kind, bool firstRun) => kind switch
    {
        SendKind.Messages => Messages,
        SendKind.Creates => firstRun && !CreatesSet ? SendLimit.None : Creates,
        SendKind.Updates => Updates,
        _ => Deletes,
    };
}
