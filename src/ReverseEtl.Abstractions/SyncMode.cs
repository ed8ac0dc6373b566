namespace ReverseEtl.Abstractions;

/// <summary>What a sync does with the rows that changed since it last ran.</summary>
public enum SyncMode
{
    /// <summary>Send a message or event when a row starts matching the sync's condition (and optionally when it changes).</summary>
    Trigger,

    /// <summary>Create or update one destination record per row.</summary>
    Upsert,
}

/// <summary>Why a record is being sent.</summary>
public enum RecordAction
{
    /// <summary>The row started matching a trigger sync's condition, or is new to an upsert sync.</summary>
    Enter,

    /// <summary>The row changed while it kept matching.</summary>
    Change,
}
