using ReverseEtl.Abstractions.State;

namespace ReverseEtl.Core.Diff;

/// <summary>
/// Checks that a stream of stored keys comes in strictly increasing <see cref="KeyOrder"/>, as every state store gives
/// them (<see cref="IRecordStateStore.ReadRecordsAsync"/>). A merge with the model's rows relies on it: a stored key out
/// of order would be taken for removed and its row for added for the rest of the read (PostgreSQL in WIN1252 gave '€'
/// before 'ü'). The first one seen stops the read, naming both keys.
/// </summary>
internal sealed class StoredKeyOrder
{
    private string? _last;

    /// <summary>Takes the next stored key; throws <see cref="InvalidOperationException"/> if it does not sort after the one before.</summary>
    public void Check(string key)
    {
        if (_last is { } last && KeyOrder.Instance.Compare(key, last) <= 0)
        {
            throw new InvalidOperationException(
                $"the sync state gave key '{key}' after '{last}', out of key order (by code point); the run stops here. " +
                "Please report it with the state store (SQLite or PostgreSQL) and its database's encoding");
        }

        _last = key;
    }
}
