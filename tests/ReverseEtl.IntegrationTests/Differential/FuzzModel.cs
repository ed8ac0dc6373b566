using System.Globalization;
using System.Text;

namespace ReverseEtl.IntegrationTests.Differential;

/// <summary>
/// A seeded model table and rounds of changes to it, as awkward as real data: keys of one text column, one whole-number
/// column or two text columns (by the seed), drawn partly from a pool of keys that differ only by case, trailing space,
/// normalization or a control character, empty, null, '9' / '10' / '09', quotes and very long ones, so that keys
/// collide and duplicates come and go; values null, empty, non-ASCII and long; changes to mapped and unmapped columns,
/// re-keyed rows and now and then the whole model emptied. The same seed always gives the same statements.
/// </summary>
internal sealed class FuzzModel(int seed)
{
    private static readonly string?[] AwkwardText =
    [
        null, "", "a", "A", "a ", "9", "10", "09", "ключ", "Ключ", "🙂", "e\u0301", "\u00e9", "x\u001fy", "x", "y\u001ex", "\u001f", "\u001e",
        "o'neil", "back\\slash", "tab\there", new string('ü', 2_000), "acc_001",
    ];

    // Keys of two columns whose parts, joined by a separator as they are, would meet: (1, 2), (3, 4).
    private static readonly (string?, string?)[] AwkwardPairs =
    [
        ("x\u001fy", "d0"), ("x", "y\u001fd0"), ("c\u001e", "\u001fd1"), ("c\u001e\u001f", "d1"), ("c", "d1"), ("C", "d1"), ("", "d0"), ("d0", null),
        ("ключ", "d0"), ("x", "d0"),
    ];

    private static readonly string?[] Names =
    [
        null, "", "Zoë", "名前 ✓", "o'neil", "line\nbreak", "🙂 party", new string('é', 3_000), "  padded  ", "Account",
    ];

    private readonly Random _random = new(seed);
    private readonly List<int> _rows = [];
    private int _next;

    /// <summary>One text column (0), one whole-number column (1) or two text columns (2).</summary>
    public int Shape { get; } = seed % 3;

    public IReadOnlyList<string> PrimaryKey => Shape == 2 ? ["k1", "k2"] : ["k1"];

    /// <summary>The table, and its first rows.</summary>
    public string Create() =>
        $"create table m (rid integer, k1 {(Shape == 1 ? "bigint" : "varchar")}, k2 varchar, name varchar, days integer, note varchar);\n{Insert(40 + _random.Next(60))}";

    /// <summary>One round of changes: two to four of them, drawn by the seed.</summary>
    public string Mutate()
    {
        var sql = new StringBuilder();
        for (var i = 0; i < 2 + _random.Next(3); i++)
        {
            sql.AppendLine(_random.Next(15) switch
            {
                0 or 1 or 2 => Each(0.15, rid => $"update m set name = {Text(Pick(Names))} where rid = {rid};"),
                3 or 4 => Each(0.08, rid => $"update m set days = {(_random.Next(4) == 0 ? "null" : _random.Next(41).ToString(CultureInfo.InvariantCulture))} where rid = {rid};"),
                5 => Each(0.10, rid => $"update m set note = {Text("changed " + _random.Next(1000))} where rid = {rid};"),
                6 or 7 => Delete(0.07),
                8 or 9 or 10 => Insert(1 + _random.Next(8)),
                11 => Each(0.05, rid => $"update m set k1 = {Key()} where rid = {rid};"),
                12 => _random.Next(3) == 0 ? Delete(1.0) : Insert(3),
                13 => DeleteKeys(0.08),
                _ => Each(0.05, rid => $"update m set name = null, days = null where rid = {rid};"),
            });
        }

        return sql.ToString();
    }

    private string Insert(int rows)
    {
        var values = new List<string>();
        for (var i = 0; i < rows; i++)
        {
            var rid = ++_next;
            _rows.Add(rid);
            var (first, second) = Shape == 2 && _random.Next(3) == 0 ? Pick(AwkwardPairs) is var (a, b) ? (Text(a), Text(b)) : default
                : (Key(), Shape == 2 ? Text(_random.Next(5) == 0 ? Pick(AwkwardText) : $"d{_random.Next(4)}") : "null");
            values.Add($"({rid}, {first}, {second}, {Text(Pick(Names) ?? $"Account {rid}")}, {_random.Next(41)}, {Text("note " + rid)})");
        }

        return $"insert into m values {string.Join(", ", values)};";
    }

    private string Delete(double share)
    {
        var gone = _rows.Where(_ => _random.NextDouble() < share).ToList();
        _rows.RemoveAll(gone.Contains);
        return gone.Count == 0 ? string.Empty : $"delete from m where rid in ({string.Join(", ", gone)});";
    }

    // Every row of some keys (one row in a duplicate's place would leave the key held), so that keys are removed.
    private string DeleteKeys(double share)
    {
        var rows = _rows.Where(_ => _random.NextDouble() < share).ToList();
        return rows.Count == 0 ? string.Empty : $"delete from m where k1 in (select k1 from m where rid in ({string.Join(", ", rows)}));";
    }

    private string Each(double share, Func<int, string> change) =>
        string.Join('\n', _rows.Where(_ => _random.NextDouble() < share).Select(change));

    // A key's first column: a new ordinary key most often, else one of the pool (or, for numbers, an awkward number).
    private string Key() => Shape == 1
        ? _random.Next(4) == 0 ? Pick(["null", "-1", "0", "9", "10", "100", "9007199254740993"])! : (_random.Next(60) + 1).ToString(CultureInfo.InvariantCulture)
        : Text(_random.Next(3) == 0 ? Pick(AwkwardText) : $"acc_{_random.Next(80):000}");

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static string Text(string? value) => value is null ? "null" : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}
