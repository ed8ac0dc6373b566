using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Running.Snapshot;

/// <summary>
/// One key of the snapshot as the state holds it: the state's key, the key's text as the warehouse writes it (one
/// column: the same; several: <see cref="TextOf"/>), and its state, null for a key to remove.
/// </summary>
internal readonly record struct SnapshotEntry(string StateKey, string KeyText, RecordState? State)
{
    private const long MixMask = (1L << 48) - 1;

    /// <summary>
    /// A 48-bit check number of the key, its row hash and its match, summed (in any order) by both sides at the start of
    /// a run: the snapshot agrees with the state when both hold as many keys with the same sum.
    /// </summary>
    public long Mix => State is { } state ? MixOf(StateKey, state) : 0;

    public static SnapshotEntry Of(string stateKey, RecordState? state, int keyColumns) =>
        new(stateKey, keyColumns == 1 ? stateKey : TextOf(JsonSerializer.Deserialize<string[]>(stateKey) ?? []), state);

    /// <summary>
    /// A key of several columns as the snapshot holds it: each part with U+001E and U+001F escaped by a U+001E, then
    /// joined by U+001F, so that two keys never share a text (joined as they are, ['a\u001Fb', 'c'] and ['a', 'b\u001Fc'] did).
    /// </summary>
    public static string TextOf(IEnumerable<string> parts) =>
        string.Join('\u001f', parts.Select(p => p.Replace("\u001e", "\u001e\u001e", StringComparison.Ordinal).Replace("\u001f", "\u001e\u001f", StringComparison.Ordinal)));

    // The key's UTF-8 bytes, its row hash (little-endian) and its match, hashed; built on the stack for the usual short
    // key, as the check runs over every stored key at the start of each run.
    public static long MixOf(string key, RecordState state)
    {
        var most = Encoding.UTF8.GetMaxByteCount(key.Length) + 9;
        var rented = most <= 512 ? null : ArrayPool<byte>.Shared.Rent(most);
        try
        {
            var bytes = rented is null ? stackalloc byte[512] : rented.AsSpan();
            var written = Encoding.UTF8.GetBytes(key, bytes);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[written..], state.RowHash);
            bytes[written + 8] = state.Matched ? (byte)1 : (byte)0;
            return (long)(XxHash3.HashToUInt64(bytes[..(written + 9)]) & MixMask);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
