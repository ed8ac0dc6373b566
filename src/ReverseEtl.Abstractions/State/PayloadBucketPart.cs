using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace ReverseEtl.Abstractions.State;

/// <summary>
/// What a key adds to its bucket's sum in <c>diff: worker</c>'s first read (<see cref="IKeyBucketStore.SumPayloadBucketsAsync"/>):
/// 60 bits of the XxHash3 of the key's UTF-8 text seeded with its payload hash (all its bits flipped when the key
/// matched the trigger condition). The payload hash alone does not cover the key, so two keys of a bucket that trade
/// payloads would leave the sum as it was; seeded so, any change of a key's payload or match changes it, but by chance.
/// The worker computes it for each row, the state store for each record, alike.
/// </summary>
public static class PayloadBucketPart
{
    private const int OnStack = 512;

    /// <summary>The part of a key given as text.</summary>
    public static ulong Of(string key, ulong payloadHash, bool matched)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = length > OnStack ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[OnStack];
            return Of(utf8[..Encoding.UTF8.GetBytes(key, utf8)], payloadHash, matched);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The part of a key given as its UTF-8 bytes (as SQLite gives a text column).</summary>
    public static ulong Of(ReadOnlySpan<byte> keyUtf8, ulong payloadHash, bool matched) =>
        XxHash3.HashToUInt64(keyUtf8, unchecked((long)(matched ? ~payloadHash : payloadHash))) >> 4;
}
