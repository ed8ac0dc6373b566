namespace ReverseEtl.Abstractions;

/// <summary>What a sync does with the rows that changed since it last ran.</summary>
public enum SyncMode
{
    /// <summary>Send a message or event when a row starts matching the sync's condition (and optionally when it changes).</summary>
    Trigger,

    /// <summary>Create or update one destination record per row.</summary>
    Upsert,

    /// <summary>Update the destination record of each row; a row with no record there fails permanently, nothing is created.</summary>
    UpdateOnly,

    /// <summary>Create a destination record for each new row; later changes to the row are not sent.</summary>
    CreateOnly,

    /// <summary>Upsert, and delete the destination record of a row that left the model (within the sync's delete limit).</summary>
    Mirror,
}

/// <summary>The YAML names of <see cref="SyncMode"/>.</summary>
public static class SyncModes
{
    /// <summary>The mode's name in YAML, e.g. <c>update_only</c>.</summary>
    public static string Name(this SyncMode mode) => mode switch
    {
        SyncMode.Trigger => "trigger",
        SyncMode.Upsert => "upsert",
        SyncMode.UpdateOnly => "update_only",
        SyncMode.CreateOnly => "create_only",
        SyncMode.Mirror => "mirror",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>The mode named <paramref name="name"/> in YAML (the schema has checked it is one).</summary>
    public static SyncMode Parse(string name) =>
        Enum.GetValues<SyncMode>().FirstOrDefault(m => m.Name() == name, SyncMode.Upsert);
}

/// <summary>Why a record is being sent.</summary>
public enum RecordAction
{
    /// <summary>The row started matching a trigger sync's condition, or is new to an upsert sync.</summary>
    Enter,

    /// <summary>The row changed while it kept matching.</summary>
    Change,

    /// <summary>The row left the model: a mirror sync deletes its destination record.</summary>
    Delete,
}
