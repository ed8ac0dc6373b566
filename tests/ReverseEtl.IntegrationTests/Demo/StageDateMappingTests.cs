using System.Text.Json.Nodes;

namespace ReverseEtl.IntegrationTests.Demo;

/// <summary>
/// The stage-entered date as each vendor takes a date: a HubSpot date property (YYYY-MM-DD, midnight UTC), a
/// Salesforce Date field (YYYY-MM-DD), an Intercom date attribute (Unix seconds); bodies checked against the vendors'
/// descriptions where they have one.
/// </summary>
public class StageDateMappingTests
{
    [Fact]
    public async Task ShippedPlaysBAndC_SendTheStageEnteredDateInEachVendorsDateForm_NoDaysInStage()
    {
        await using var project = new TestProject().WithShippedConfig();
        foreach (var sync in new[] { "crm-partner-context-hubspot", "crm-partner-context-salesforce", "intercom-onboarding-attributes" })
        {
            Assert.Equal(0, (await project.CliAsync("run", "--once", "--sync", sync)).ExitCode);
        }

        var hubspot = Lines(project, "hubspot");
        var create = Assert.Single(hubspot, l => l["url"]!.GetValue<string>().EndsWith("/crm/v3/properties/companies/batch/create", StringComparison.Ordinal))["body"]!;
        Assert.Empty(OpenApiContract.Get("hubspot-crm-properties-v3.json").ValidateRequest("/crm/v3/properties/{objectType}/batch/create", "post", create.ToJsonString()));
        var property = Assert.Single(create["inputs"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "stage_entered_on")!;
        Assert.Equal(("date", "date"), (property["type"]!.GetValue<string>(), property["fieldType"]!.GetValue<string>()));
        var upserts = hubspot.Where(l => l["url"]!.GetValue<string>().EndsWith("/batch/upsert", StringComparison.Ordinal)).SelectMany(l => l["body"]!["inputs"]!.AsArray()).ToList();
        Assert.Equal(2153, upserts.Count);
        Assert.All(upserts, i => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", i!["properties"]!["stage_entered_on"]!.GetValue<string>()));
        Assert.All(upserts, i => Assert.Null(i!["properties"]!["days_in_stage"]));

        var records = Lines(project, "salesforce").SelectMany(l => l["body"]!["records"]!.AsArray()).ToList();
        Assert.Equal(2153, records.Count);
        Assert.All(records, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", r!["Stage_Entered_On__c"]!.GetValue<string>()));
        Assert.All(records, r => Assert.Null(r!["Days_In_Stage__c"]));

        var intercom = Lines(project, "intercom");
        var attribute = Assert.Single(intercom, l => l["url"]!.GetValue<string>().EndsWith("/data_attributes", StringComparison.Ordinal) && l["body"]!["name"]!.GetValue<string>() == "stage_entered_at")["body"]!;
        Assert.Equal(("contact", "date"), (attribute["model"]!.GetValue<string>(), attribute["data_type"]!.GetValue<string>()));
        var contacts = intercom.Where(l => l["url"]!.GetValue<string>().EndsWith("/contacts", StringComparison.Ordinal)).Select(l => l["body"]!).ToList();
        Assert.Equal(1109, contacts.Count);
        Assert.All(contacts, c => Assert.InRange(c["custom_attributes"]!["stage_entered_at"]!.GetValue<long>(), 1_700_000_000, 1_747_728_000)); // Unix seconds, before the refresh
        Assert.All(contacts, c => Assert.Null(c["custom_attributes"]!["days_in_stage"]));
        // A null suggested_integration (an account that adopted every partner tool) is left to the null handling of the
        // destination; every other body is checked whole.
        Assert.All(contacts.Where(c => c["custom_attributes"]!.AsObject().All(a => a.Value is not null)),
            c => Assert.Empty(OpenApiContract.Get("intercom-2.14.yaml").ValidateRequest("/contacts", "post", c.ToJsonString())));
        var companies = intercom.Where(l => l["url"]!.GetValue<string>().EndsWith("/companies", StringComparison.Ordinal) && !l["url"]!.GetValue<string>().Contains("/contacts/", StringComparison.Ordinal)).Select(l => l["body"]!).ToList();
        Assert.NotEmpty(companies);
        // The date never goes to a company (Intercom's description allows only strings there); a null suggestion clears it ("").
        Assert.All(companies, c => Assert.Equal(["partner_tools", "suggested_integration", "onboarding_stage"], c["custom_attributes"]!.AsObject().Select(a => a.Key)));
        Assert.Contains(companies, c => c["custom_attributes"]!["suggested_integration"]!.GetValue<string>() == string.Empty);
    }

    private static List<JsonNode> Lines(TestProject project, string outbox) =>
        File.ReadLines(Path.Combine(project.Paths.OutboxDirectory, $"{outbox}.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
}
