using ReverseEtl.Abstractions;

namespace ReverseEtl.Destinations.HubSpot;

/// <summary>The <c>hubspot</c> sections' checks beyond their schema (the connection's are its shared HTTP keys').</summary>
internal static class HubSpotOptionsValidator
{
    /// <summary>Every problem of a sync's section, none when it is valid: every mode but create matches by <c>id_property</c>.</summary>
    public static IReadOnlyList<ConfigProblem> Validate(HubSpotSyncOptions options, SyncMode mode) =>
        options.IdProperty.Length == 0 && mode != SyncMode.CreateOnly
            ? [new ConfigProblem("id_property", $"'{mode.Name()}' matches records by a unique property; name it, e.g. id_property: product_account_id")]
            : [];
}
