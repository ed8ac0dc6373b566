namespace ReverseEtl.IntegrationTests.LiveChecks;

/// <summary>Payload fields named in a destination's own section (Intercom attributes, HubSpot's id property) checked before sending.</summary>
public class FieldReferenceTests
{
    private const string Fields = "its fields are: user_id, email, full_name, account_id, account_name, partner_tools, suggested_integration, onboarding_stage, stage_entered_at";

    [Fact]
    public async Task ValidateLiveAndRun_IntercomAttributeMisspelt_NamedAtEachListItemAndNothingSent()
    {
        await using var project = new TestProject().WithShippedConfig();
        var file = Path.Combine(project.Paths.ConfigDirectory, "syncs", "integration-nudges.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace(
            "custom_attributes: [partner_tools, suggested_integration,", "custom_attributes: [partner_tools, suggested_integraton,", StringComparison.Ordinal));

        var live = await project.CliAsync("validate", "--live");
        var run = await project.CliAsync("run", "--once", "--sync", "intercom-onboarding-attributes");

        string[] expected =
        [
            $"config/syncs/integration-nudges.yaml:34:42: syncs.intercom-onboarding-attributes.intercom.custom_attributes[1]: 'suggested_integraton' is not a field of the payload; {Fields}",
            $"config/syncs/integration-nudges.yaml:38:44: syncs.intercom-onboarding-attributes.intercom.company.custom_attributes[1]: 'suggested_integraton' is not a field of the payload; {Fields}",
        ];
        Assert.Equal(2, live.ExitCode);
        Assert.Equal([.. expected, "2 problem(s) found against the warehouse and the destinations."], PlayTypoTests.Lines(live.Error));
        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith(string.Join("\n", expected), run.Output.TrimEnd(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Paths.OutboxDirectory, "intercom.jsonl")));
    }

    [Fact]
    public async Task ValidateLive_HubSpotIdPropertyNotAmongTheFields_NamedAtIdProperty()
    {
        await using var project = new TestProject();
        project.Sql("wh.duckdb", LiveCheckProject.Table);
        project.WithFile("project.yaml", """
            version: 1
            connections:
              wh: { duckdb: { path: wh.duckdb } }
              crm: { hubspot: { token: "" } }
            models:
              accounts: { connection: wh, primary_key: account_id, sql: select * from accounts }
            syncs:
              push:
                model: accounts
                destination: crm
                mode: upsert
                fields: { product_account_id: account_id, name: account_name }
                hubspot: { object: companies, id_property: product_acount_id, create_properties: { product_acount_id: Product account ID } }
            """);

        var live = await project.CliAsync("validate", "--live");

        Assert.Equal(2, live.ExitCode);
        Assert.Equal("config/project.yaml:13:48: syncs.push.hubspot.id_property: 'product_acount_id' is not a field of the payload; its fields are: product_account_id, name", PlayTypoTests.Lines(live.Error)[0]);
    }
}
