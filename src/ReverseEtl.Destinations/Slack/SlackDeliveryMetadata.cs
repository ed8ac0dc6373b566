using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.Slack;

/// <summary>
/// The delivery key as Slack message metadata: <c>event_type</c> <see cref="EventType"/> (lower-case letters and
/// underscores, as Slack asks) and an <c>event_payload</c> of four strings, <c>sync</c>, <c>key</c>, <c>action</c> and
/// <c>payload_hash</c>. A sync name or key longer than <see cref="MaxValueLength"/> characters is stored as
/// <c>sha256:</c> and the hex SHA-256 of its UTF-8 bytes, so the metadata stays small whatever the key; both sides of a
/// comparison are written the same way, so a hashed key still matches.
/// </summary>
internal static class SlackDeliveryMetadata
{
    public const string EventType = "reverse_etl_delivery";

    public const int MaxValueLength = 200;

    private static readonly string[] Fields = ["sync", "key", "action", "payload_hash"];

    /// <summary>The metadata of a send, or null when the record carries no delivery key.</summary>
    public static SlackMessageMetadata? For(DeliveryKey? key) => key is null
        ? null
        : new SlackMessageMetadata(EventType, new JsonObject
        {
            ["sync"] = Short(key.Sync),
            ["key"] = Short(key.Key),
            ["action"] = key.ActionName,
            ["payload_hash"] = key.PayloadHash,
        });

    /// <summary>What identifies a send, as one string: the same for a key and for the metadata written from it.</summary>
    public static string Identity(DeliveryKey key) => Join(Short(key.Sync), Short(key.Key), key.ActionName, key.PayloadHash);

    /// <summary>The identity of the send that <paramref name="metadata"/> (read back from a message) records, or null when it is not ours.</summary>
    public static string? IdentityOf(SlackMessageMetadata? metadata)
    {
        if (metadata is not { EventType: EventType, EventPayload: { } payload })
        {
            return null;
        }

        var parts = Fields.Select(name => Text(payload[name])).ToArray();
        return parts.Any(p => p is null) ? null : Join(parts!);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Join(params string[] parts) => string.Join('\u001f', parts);

    private static string Short(string value) => value.Length <= MaxValueLength
        ? value
        : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
