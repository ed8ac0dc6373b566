using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ReverseEtl.Core.Diff;

/// <summary>
/// A row's payload as a read-only view over the values the warehouse returned: the mapped fields in their order, no
/// dictionary built per row. Hashes and serialises exactly as a <see cref="Dictionary{TKey,TValue}"/> of the same
/// fields in the same order would (<see cref="PayloadJson"/>), so stored hashes stay valid.
/// </summary>
public sealed class PayloadDictionary : IReadOnlyDictionary<string, object?>
{
    private readonly PayloadFields _fields;
    private readonly object?[] _values;

    public PayloadDictionary(PayloadFields fields, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(values);
        (_fields, _values) = (fields, values);
    }

    public int Count => _fields.Names.Length;

    public IEnumerable<string> Keys => _fields.Names;

    public IEnumerable<object?> Values => _fields.Indexes.Select(i => _values[i]);

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"the payload has no field '{key}'");

    public bool ContainsKey(string key) => _fields.Position.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var found = _fields.Position.TryGetValue(key, out var at);
        value = found ? _values[_fields.Indexes[at]] : null;
        return found;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _fields.Names.Length; i++)
        {
            yield return new KeyValuePair<string, object?>(_fields.Names[i], _values[_fields.Indexes[i]]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Writes the payload as a JSON object, field by field, without an enumerator. <paramref name="defaultEncoder"/>:
    /// the writer escapes as <see cref="JsonEncodedText.Encode(string, System.Text.Encodings.Web.JavaScriptEncoder?)"/>
    /// does by default, so the names encoded once serve.
    /// </summary>
    internal void WriteTo(Utf8JsonWriter writer, bool defaultEncoder)
    {
        writer.WriteStartObject();
        var indexes = _fields.Indexes;
        for (var i = 0; i < indexes.Length; i++)
        {
            if (defaultEncoder)
            {
                writer.WritePropertyName(_fields.EncodedNames[i]);
            }
            else
            {
                writer.WritePropertyName(_fields.Names[i]);
            }

            PayloadJson.WriteValue(writer, _values[indexes[i]]);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The fields of a sync's payload, in order, and the result column each reads: shared by every row.</summary>
public sealed class PayloadFields
{
    /// <summary>Fields named twice keep the first one's place and the last one's column, as a dictionary assigned in order would.</summary>
    public PayloadFields(IEnumerable<(string Field, int Column)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var names = new List<string>();
        var indexes = new List<int>();
        foreach (var (field, column) in fields)
        {
            if (Position.TryGetValue(field, out var at))
            {
                indexes[at] = column;
                continue;
            }

            Position[field] = names.Count;
            names.Add(field);
            indexes.Add(column);
        }

        (Names, Indexes) = (names.ToArray(), indexes.ToArray());
        EncodedNames = Names.Select(n => JsonEncodedText.Encode(n)).ToArray();
    }

    internal string[] Names { get; }

    internal int[] Indexes { get; }

    internal JsonEncodedText[] EncodedNames { get; }

    internal Dictionary<string, int> Position { get; } = new(StringComparer.Ordinal);
}
