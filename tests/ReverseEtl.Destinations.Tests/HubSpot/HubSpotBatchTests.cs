using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Destinations.HubSpot;

namespace ReverseEtl.Destinations.Tests.HubSpot;

/// <summary>A batch's inputs: each record's properties as HubSpot's strings, written as a dictionary of them would be.</summary>
public sealed class HubSpotBatchTests
{
    private static readonly HubSpotSyncOptions Options = new("companies", "product_account_id", new Dictionary<string, HubSpotPropertySpec>(), "retl");

    [Fact]
    public void Prepare_AwkwardValues_PropertiesWrittenAsTheirDictionaryInTheSyncsOrder()
    {
        var payload = new Dictionary<string, object?>
        {
            ["product_account_id"] = "Zoë 🚀", ["name"] = "\"q\" \\ <b>\n東京", ["empty"] = "", ["gone"] = null,
            ["days"] = 12L, ["active"] = true, ["at"] = new DateTime(2025, 5, 1, 8, 0, 0, DateTimeKind.Utc), ["long"] = new string('ж', 10_000),
        };

        var batch = HubSpotBatch.Prepare([new SyncRecord("k1", RecordAction.Enter, payload)], Options, SyncMode.Upsert);

        var input = Assert.Single(batch.Inputs).Input;
        var expected = payload.ToDictionary(p => p.Key, p => HubSpotValues.Format(p.Value), StringComparer.Ordinal);
        Assert.Equal("Zoë 🚀", input.Id);
        Assert.Equal(payload.Keys, input.Properties.Keys);
        Assert.Equal(["Zoë 🚀", "\"q\" \\ <b>\n東京", "", "", "12", "true", "2025-05-01T08:00:00Z", new string('ж', 10_000)], input.Properties.Values);
        Assert.Equal(JsonSerializer.Serialize(new HubSpotBatchInput([input with { Properties = expected }]), HubSpotDestination.Json), JsonSerializer.Serialize(new HubSpotBatchInput([input]), HubSpotDestination.Json));
        Assert.True(input.Properties.TryGetValue("gone", out var cleared) && cleared.Length == 0);
        Assert.False(input.Properties.ContainsKey("Name"));
        Assert.Throws<KeyNotFoundException>(() => input.Properties["missing"]);
    }

    [Fact]
    public void Prepare_TheAssociationField_LeftOutOfTheProperties()
    {
        var options = Options with { Associate = new HubSpotAssociation("companies", "partner_key", "partner_id") };
        var payload = new Dictionary<string, object?> { ["product_account_id"] = "acc-1", ["partner_id"] = "p-9", ["name"] = "Café" };

        var input = Assert.Single(HubSpotBatch.Prepare([new SyncRecord("k1", RecordAction.Enter, payload)], options, SyncMode.Upsert).Inputs).Input;

        Assert.Equal(["product_account_id", "name"], input.Properties.Keys);
        Assert.Equal(2, input.Properties.Count);
    }

    [Fact]
    public void Prepare_TwoRecordsWithOneIdAndOneWithout_TheLastSentForBothTheEmptyFailsAtOnce()
    {
        SyncRecord Record(string key, string id) => new(key, RecordAction.Change, new Dictionary<string, object?> { ["product_account_id"] = id, ["name"] = key });

        var batch = HubSpotBatch.Prepare([Record("a", "dup"), Record("b", ""), Record("c", "dup")], Options, SyncMode.Upsert);
        HubSpotBatch.Map(new HubSpotWriteResult("COMPLETE", [new HubSpotWritten("91", "c")], null), batch.Inputs, batch.Outcomes);
        var outcomes = batch.Complete();

        Assert.Equal("c", Assert.Single(batch.Inputs).Input.ObjectWriteTraceId);
        Assert.Equal(outcomes[2], outcomes[0]);
        Assert.Equal("91", outcomes[2].DestinationId);
        Assert.Contains("id property 'product_account_id' is empty", outcomes[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_CreateOnly_TheIdIsTheKeyEvenWithoutTheIdProperty()
    {
        var payload = new Dictionary<string, object?> { ["name"] = "Ørsted", ["empty"] = null };

        var input = Assert.Single(HubSpotBatch.Prepare([new SyncRecord("key-ж", RecordAction.Enter, payload)], Options, SyncMode.CreateOnly).Inputs).Input;

        Assert.Equal("key-ж", input.Id);
        Assert.Equal(["Ørsted", ""], input.Properties.Values);
    }

    [Fact]
    public void Map_AnAnswerWhoseRecordsLackIdOrTraceId_ReadAndLeftWithoutAResult()
    {
        var batch = HubSpotBatch.Prepare([new SyncRecord("a", RecordAction.Enter, new Dictionary<string, object?> { ["product_account_id"] = "id-a" })], Options, SyncMode.Upsert);
        var answer = JsonSerializer.Deserialize<HubSpotWriteResult>("""{"status":"COMPLETE","results":[{"properties":{}},{"id":"7"},{"id":null,"objectWriteTraceId":null}]}""", HubSpotDestination.Json)!;

        HubSpotBatch.Map(answer, batch.Inputs, batch.Outcomes);

        Assert.Equal([new HubSpotWritten(null!, null), new HubSpotWritten("7", null), new HubSpotWritten(null!, null)], answer.Results);
        Assert.Equal(OutcomeStatus.RetryableFailure, Assert.Single(batch.Complete()).Status);
    }

    [Fact]
    public void Map_A207WithAnErrorNamingAnIdAndOneATraceId_ThoseRecordsFailTheOthersAreSent()
    {
        SyncRecord Record(string key, string id) => new(key, RecordAction.Change, new Dictionary<string, object?> { ["product_account_id"] = id });
        var batch = HubSpotBatch.Prepare([Record("a", "Ørsted"), Record("b", "id-b"), Record("c", "id-c")], Options, SyncMode.Upsert);
        var ids = new Dictionary<string, IReadOnlyList<string>> { ["ids"] = ["Ørsted", "unknown"] };
        HubSpotError[] errors =
        [
            new("error", "VALIDATION_ERROR", "bad «value»", ids, null, null),
            new("error", "RATE_LIMITS", "slow down", null, null, "c"),
        ];

        HubSpotBatch.Map(new HubSpotWriteResult("COMPLETE", [new HubSpotWritten("2", "b")], errors), batch.Inputs, batch.Outcomes);
        var outcomes = batch.Complete();

        Assert.Equal(OutcomeStatus.PermanentFailure, outcomes[0].Status);
        Assert.Contains("bad «value»", outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(RecordOutcome.Sent("2"), outcomes[1]);
        Assert.Equal(OutcomeStatus.RetryableFailure, outcomes[2].Status);
    }
}
