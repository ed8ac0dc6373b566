using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ReverseEtl.Abstractions.State;
using ReverseEtl.Core.Running.Snapshot;

namespace ReverseEtl.Core.Tests.Running;

// The snapshot's check number is stored in the warehouse by earlier runs: it must stay the xxHash3 of the key's UTF-8
// bytes, its row hash (little-endian) and its match byte, cut to 48 bits, whatever the key's length.
public sealed class SnapshotEntryTests
{
    public static TheoryData<string> Keys() =>
        ["", "a", "nul\0inside", "東京 😀", "e\u0301", new string('ü', 255), new string('ü', 256), new string('é', 3_000)];

    [Theory]
    [MemberData(nameof(Keys))]
    public void MixOf_AnyKey_IsTheXxHash3OfKeyRowHashAndMatch(string key)
    {
        foreach (var state in new[] { new RecordState(1, true, ulong.MaxValue), new RecordState(2, false, 0), new RecordState(3, false, 1UL << 63) })
        {
            var bytes = Encoding.UTF8.GetBytes(key).Concat(LittleEndian(state.RowHash)).Append(state.Matched ? (byte)1 : (byte)0).ToArray();

            Assert.Equal((long)(XxHash3.HashToUInt64(bytes) & ((1UL << 48) - 1)), SnapshotEntry.MixOf(key, state));
        }
    }

    // Keys whose parts hold the separator (U+001F) and its escape (U+001E) joined as they were would meet in pairs.
    [Fact]
    public void Of_KeysOfSeveralColumns_EachGetsItsOwnTextAndAKeyWithoutControlCharactersKeepsItsTextAsBefore()
    {
        string[][] keys =
        [
            ["c\u001Fq", "r"], ["c", "q\u001Fr"], ["c\u001E", "\u001Fr"], ["c\u001E\u001F", "r"], ["c\u001E\u001E", "r"], ["c", "\u001E\u001Fr"],
            ["\u001F", ""], ["", "\u001F"], ["\u001E", "\u001E"], ["ключ 🙂", new string('ü', 3_000)], ["a", "b", "c"], ["a\u001Fb", "c", ""],
        ];

        var texts = keys.Select(k => SnapshotEntry.Of(System.Text.Json.JsonSerializer.Serialize(k), null, k.Length).KeyText).ToList();

        Assert.Equal(keys.Length, texts.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("c\u001E\u001Fq\u001Fr", texts[0]);
        Assert.Equal("a\u001Fb\u001Fc", texts[10]);
        Assert.Equal("ключ 🙂\u001F" + new string('ü', 3_000), texts[9]);
        Assert.Equal("k", SnapshotEntry.Of("k", null, 1).KeyText);
    }

    private static byte[] LittleEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
