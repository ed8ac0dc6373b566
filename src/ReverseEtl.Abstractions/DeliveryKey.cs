using System.Globalization;

namespace ReverseEtl.Abstractions;

/// <summary>
/// What one send is: the sync, the record's key, why it is sent and the hash of its payload. Stored with the message
/// where the vendor allows (Slack message metadata), it lets a later run find out whether a send of unknown outcome arrived.
/// </summary>
/// <param name="Sync">The sync's name.</param>
/// <param name="Key">The record's primary key, as text.</param>
/// <param name="Action">Why it is sent.</param>
/// <param name="PayloadHash">The hash of the payload sent, 16 lower-case hex digits.</param>
public sealed record DeliveryKey(string Sync, string Key, RecordAction Action, string PayloadHash)
{
    /// <summary>The key for a payload hash as the state stores it.</summary>
    public static DeliveryKey For(string sync, string key, RecordAction action, ulong payloadHash) =>
        new(sync, key, action, payloadHash.ToString("x16", CultureInfo.InvariantCulture));

    /// <summary>The action as written in a stored key: <c>enter</c>, <c>change</c> or <c>delete</c>.</summary>
    public string ActionName => Action.ToString().ToLowerInvariant();
}
