using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>
/// One record's properties as HubSpot's strings, in the sync's field order: names and values in one array, looked up
/// by a scan (a record has a few dozen at most). A <see cref="Dictionary{TKey, TValue}"/> per record cost its entries,
/// buckets and object, about 400 bytes, for the few lookups a send makes (the id property). Names are unique: they
/// are the sync's field names.
/// </summary>
internal sealed class HubSpotPropertyValues(KeyValuePair<string, string>[] pairs) : IReadOnlyDictionary<string, string>
{
    public int Count => pairs.Length;

    public IEnumerable<string> Keys => pairs.Select(p => p.Key);

    public IEnumerable<string> Values => pairs.Select(p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"the record has no property '{key}'");

    /// <summary>The payload's values formatted for HubSpot, but the field that only names an association.</summary>
    public static HubSpotPropertyValues Of(IReadOnlyDictionary<string, object?> payload, string? associate)
    {
        var pairs = new KeyValuePair<string, string>[payload.Count];
        var i = 0;
        foreach (var (field, value) in payload)
        {
            if (field != associate)
            {
                pairs[i++] = new KeyValuePair<string, string>(field, HubSpotValues.Format(value));
            }
        }

        if (i < pairs.Length)
        {
            Array.Resize(ref pairs, i); // the association's field was left out
        }

        return new HubSpotPropertyValues(pairs);
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = IndexOf(key);
        value = at >= 0 ? pairs[at].Value : null;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < pairs.Length; i++)
        {
            if (string.Equals(pairs[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
