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

    private static byte[] LittleEndian(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
