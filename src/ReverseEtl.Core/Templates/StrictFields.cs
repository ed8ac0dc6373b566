using Fluid;
using Fluid.Values;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Templates;

/// <summary>
/// A row (or a map inside one) as Liquid sees it, strictly: reading a key it lacks throws
/// <see cref="TemplateRenderException"/> naming the key and the keys it has; a key whose value is null reads as nil.
/// Keys match case-insensitively (as the mapping matches columns). Maps and lists inside are wrapped the same way.
/// </summary>
internal sealed class StrictFields(IReadOnlyDictionary<string, object?> fields, string path, TemplateOptions options) : IFluidIndexable
{
    private const int NamesShown = 40;

    public int Count => fields.Count;

    public IEnumerable<string> Keys => fields.Keys;

    public bool TryGetValue(string name, out FluidValue value)
    {
        if (!fields.TryGetValue(name, out var raw) && !TryIgnoringCase(name, out raw))
        {
            throw Undefined(name);
        }

        value = Wrap(raw, $"{path}.{name}", options);
        return true;
    }

    /// <summary>The Liquid value of one field: maps and lists stay strict; everything else as Fluid converts it.</summary>
    internal static FluidValue Wrap(object? raw, string path, TemplateOptions options) => raw switch
    {
        null => NilValue.Instance,
        string text => StringValue.Create(text),
        IReadOnlyDictionary<string, object?> map => new DictionaryValue(new StrictFields(map, path, options)),
        IReadOnlyList<object?> list => new ArrayValue(list.Select(item => Wrap(item, $"{path}[]", options)).ToArray()),
        _ => FluidValue.Create(raw, options),
    };

    private bool TryIgnoringCase(string name, out object? raw)
    {
        foreach (var (key, value) in fields)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                raw = value;
                return true;
            }
        }

        raw = null;
        return false;
    }

    private TemplateRenderException Undefined(string name)
    {
        var known = fields.Keys.Order(StringComparer.Ordinal).ToList();
        var shown = known.Count == 0 ? "(none)" : string.Join(", ", known.Take(NamesShown)) + (known.Count > NamesShown ? $" and {known.Count - NamesShown} more" : string.Empty);
        var what = path == "row" ? "the row has no field" : $"'{path}' has no key";
        return new TemplateRenderException($"'{path}.{name}' is not defined: {what} '{name}' (it has: {shown}); fix the template or the model") { Name = $"{path}.{name}" };
    }
}
