using System.Text.Json;
using ReverseEtl.Abstractions;
using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Definitions;

public class SyncValidatorTests
{
    private static readonly DefinitionSource Elsewhere = new(new SourceMap("other.yaml"), "x");

    private readonly FakeDestinationConnector _slack = FakeCatalog.Slack();

    private readonly FakeDestinationConnector _crm = new("hubspot", SyncMode.Mirror, SyncMode.Upsert, SyncMode.Trigger);

    [Fact]
    public void Build_MinimalUpsert_DefaultsApplied()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: upsert");

        Assert.Empty(errors);
        Assert.Equal(("s", "accounts", "crm", SyncMode.Upsert, true, 20d, false), (sync.Name, sync.Model, sync.Destination, sync.Mode, sync.Enabled, sync.Limits.Deletes.Percent, sync.DiffInWarehouse));
        Assert.Equal((null, null, null, (string?)null), (sync.Fields, sync.Schedule, sync.BatchSize, sync.Trigger.When));
        Assert.Equal([RecordAction.Enter], sync.Trigger.On);
        Assert.Equal(JsonValueKind.Undefined, sync.DestinationOptions.ValueKind);
        Assert.Equal(JsonValueKind.Undefined, Assert.Single(_crm.ValidatedSyncs).Options.ValueKind);
    }

    [Fact]
    public void Build_EverySettingGiven_CarriedOverInOrder()
    {
        var (sync, errors) = Build("""
            description: Zoë's 東京 alerts 🎉
            enabled: false
            model: accounts
            destination: chat
            mode: trigger
            trigger: { when: "days_in_stage >= 7 and name <> 'Zoë'", on: [change, enter] }
            fields: { 名前: name, email: email_address, a: id }
            schedule: { cron: "0 30 8 ? * MON-FRI", timezone: Asia/Tokyo, misfire: skip }
            batch_size: 50
            diff: warehouse
            slack: { text: "Hi {{ row.名前 }} 🎉" }
            """);

        Assert.Empty(errors);
        Assert.Equal((false, 50, true), (sync.Enabled, sync.BatchSize, sync.DiffInWarehouse));
        Assert.Equal("days_in_stage >= 7 and name <> 'Zoë'", sync.Trigger.When);
        Assert.Equal([RecordAction.Enter, RecordAction.Change], sync.Trigger.On.Order());
        Assert.Equal([new("名前", "name"), new("email", "email_address"), new FieldMapping("a", "id")], sync.Fields!);
        Assert.Equal(new ScheduleDefinition("0 30 8 ? * MON-FRI", "Asia/Tokyo", SkipMisfires: true), sync.Schedule);
        Assert.Equal("Hi {{ row.名前 }} 🎉", sync.DestinationOptions.GetProperty("text").GetString());
        var seen = Assert.Single(_slack.ValidatedSyncs);
        Assert.Equal(("s", SyncMode.Trigger, "Hi {{ row.名前 }} 🎉"), (seen.Name, seen.Mode, seen.Options.GetProperty("text").GetString()));
    }

    [Theory]
    [InlineData("", "Enter")]
    [InlineData("trigger: { when: x }", "Enter")]
    [InlineData("trigger: { on: [change] }", "Change")]
    [InlineData("trigger: { on: [change, enter] }", "Enter,Change")]
    public void Build_TriggerOn_TransitionsThatSend(string trigger, string expected)
    {
        var (sync, errors) = Build($"model: accounts\ndestination: chat\nmode: trigger\nslack: {{ text: x }}\n{trigger}");

        Assert.Empty(errors);
        Assert.Equal(expected, string.Join(",", sync.Trigger.On.Order()));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("trigger: { initial: skip }", false)]
    [InlineData("trigger: { when: \"x > 1\", initial: send }", true)]
    public void Build_TriggerInitial_SkipsUnlessSendIsSaid(string trigger, bool send)
    {
        var (sync, errors) = Build($"model: accounts\ndestination: chat\nmode: trigger\nslack: {{ text: x }}\n{trigger}");

        Assert.Empty(errors);
        Assert.Equal(send, sync.Trigger.SendInitial);
    }

    [Fact]
    public void Build_ModelAndDestinationUnknown_NamesWhatIsDefinedAndValidatesNoSection()
    {
        var (sync, errors) = Build("model: acounts\ndestination: nowhere\nmode: upsert\nhubspot: {}");

        Assert.Equal(
            [
                "f.yaml:4:12: syncs.s.model: no model named 'acounts'; defined: accounts",
                "f.yaml:5:18: syncs.s.destination: no connection named 'nowhere'; defined: chat, crm, wh",
            ],
            errors);
        Assert.Equal(("acounts", JsonValueKind.Undefined), (sync.Model, sync.DestinationOptions.ValueKind));
        Assert.Empty(_crm.ValidatedSyncs);
    }

    [Fact]
    public void Build_SectionsOfOtherTypes_EachSaidNotToApply()
    {
        var (sync, errors) = Build("model: accounts\ndestination: chat\nmode: trigger\nhubspot: { object: companies }\nslack: { text: hi }\nsalesforce: { sobject: Account }");

        Assert.Equal(
            [
                "f.yaml:7:14: syncs.s.hubspot: this sync sends to 'chat', a slack connection; the 'hubspot' section does not apply",
                "f.yaml:9:17: syncs.s.salesforce: this sync sends to 'chat', a slack connection; the 'salesforce' section does not apply",
            ],
            errors);
        Assert.Equal("hi", sync.DestinationOptions.GetProperty("text").GetString());
    }

    [Fact]
    public void Build_ModeTheDestinationLacks_ListsItsModesInDeclarationOrder()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: update_only");

        Assert.Equal(["f.yaml:6:11: syncs.s.mode: 'update_only' is not supported by hubspot destinations; supported: trigger, upsert, mirror"], errors);
        Assert.Equal(SyncMode.UpdateOnly, sync.Mode);
    }

    [Fact]
    public void Build_DestinationSectionMissingOrIncomplete_MissingKeyAtTheSyncOrTheProblemBelowTheSection()
    {
        var (_, missing) = Build("model: accounts\ndestination: chat\nmode: trigger");
        var (_, incomplete) = Build("model: accounts\ndestination: chat\nmode: trigger\nslack: { channel: \"#東京\" }");

        Assert.Equal(["f.yaml:4:5: syncs.s: missing required key 'slack' (the slack settings of this sync)"], missing);
        Assert.Equal(["f.yaml:7:12: syncs.s.slack.text: missing required key 'text'"], incomplete);
    }

    [Fact]
    public void Build_TriggerOrDeleteLimitWithTheWrongMode_EachReportedAndStillBuilt()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: upsert\ntrigger: { on: [change] }\ndelete_limit_percent: 5");

        Assert.Equal(
            [
                "f.yaml:7:14: syncs.s.trigger: 'trigger' applies only to 'mode: trigger'",
                "f.yaml:8:27: syncs.s.delete_limit_percent: 'delete_limit_percent' applies only to 'mode: mirror'",
            ],
            errors);
        Assert.Equal([RecordAction.Change], sync.Trigger.On);
        Assert.Equal(new SendLimit(null, 5), sync.Limits.Deletes);
    }

    [Fact]
    public void Build_MirrorWithDeleteLimitZero_KeepsZeroRatherThanTheDefault()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: mirror\ndelete_limit_percent: 0");

        Assert.Empty(errors);
        Assert.Equal(new SendLimit(null, 0), sync.Limits.Deletes);
    }

    [Fact]
    public void Build_Limits_CountShareOrNoneAndTheDefaultsForTheRest()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: mirror\nlimits: { creates: 5, updates: \"12.5%\", deletes: none }");

        Assert.Empty(errors);
        Assert.Equal((new SendLimit(5, null), new SendLimit(null, 12.5), SendLimit.None), (sync.Limits.Creates, sync.Limits.Updates, sync.Limits.Deletes));
        Assert.Equal((SendLimits.Default.Messages, true), (sync.Limits.Messages, sync.Limits.CreatesSet));
        Assert.Equal((5L, 125L, long.MaxValue), (sync.Limits.Creates.Allowed(0), sync.Limits.Updates.Allowed(1000), sync.Limits.Deletes.Allowed(1000)));
    }

    [Fact]
    public void Build_LimitsOfAnotherModeOrDeletesTwice_NamesEach()
    {
        var (_, trigger) = Build("model: accounts\ndestination: chat\nmode: trigger\nslack: { text: x }\nlimits: { messages: 3, updates: 4 }");
        var (_, mirror) = Build("model: accounts\ndestination: crm\nmode: mirror\ndelete_limit_percent: 5\nlimits: { messages: 1, deletes: 2 }");

        Assert.Equal(["f.yaml:8:37: syncs.s.limits.updates: 'limits.updates' does not apply to 'mode: trigger'"], trigger);
        Assert.Equal(
            [
                "f.yaml:8:25: syncs.s.limits.messages: 'limits.messages' does not apply to 'mode: mirror'",
                "f.yaml:7:27: syncs.s.delete_limit_percent: set either 'delete_limit_percent' or 'limits.deletes', not both",
            ],
            mirror);
    }

    [Fact]
    public void Build_UnixFiveFieldCron_KeptInQuartzsForm()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: upsert\nschedule: { cron: \"0 9 * * 1-5\", misfire: run_once }");

        Assert.Empty(errors);
        Assert.Equal(new ScheduleDefinition("0 0 9 ? * MON-FRI", "UTC", SkipMisfires: false), sync.Schedule);
    }

    [Fact]
    public void Build_HourOutOfRange_OneSentenceNamingTheFieldAndItsValues()
    {
        var (_, errors) = Build("model: accounts\ndestination: crm\nmode: upsert\nschedule: { cron: \"0 25 * * *\", misfire: run_once }");

        Assert.Equal(
            """
            f.yaml:7:23: syncs.s.schedule.cron: '0 25 * * *' has an invalid hour field '25': hour takes 0-23, with * for any, lists (1,3), ranges (1-5) and steps (*/15)
            """,
            Assert.Single(errors));
    }

    [Fact]
    public void Build_LogRedact_FieldsMatchedCaseInsensitivelyAndAnUnknownOneNamed()
    {
        var (sync, errors) = Build("model: accounts\ndestination: crm\nmode: upsert\nfields: { email: email_address, Zoë: name }\nlog: { redact: [EMAIL, zoë, phone] }");
        var (all, none) = Build("model: accounts\ndestination: crm\nmode: upsert\nlog: { redact: [phone] }");

        Assert.Equal(["f.yaml:8:33: syncs.s.log.redact[2]: 'log.redact' names 'phone', which is not a mapped field of this sync; fields: Zoë, email"], errors);
        Assert.True(sync.Redact.SetEquals(["email", "Zoë", "phone"]));
        Assert.Empty(none);
        Assert.Contains("PHONE", all.Redact);
    }

    private (SyncDefinition Sync, List<string> Errors) Build(string lines)
    {
        var catalog = new ConnectorCatalog([new FakeWarehouseConnector("duckdb")], [_slack, _crm]);
        var errors = new List<DefinitionError>();
        var connections = new[] { Connection("wh", "duckdb", true), Connection("chat", "slack", false), Connection("crm", "hubspot", false) }
            .ToDictionary(c => c.Name);
        var models = new Dictionary<string, ModelDefinition> { ["accounts"] = new("accounts", "wh", ["id"], "select 1 as id", Elsewhere) };
        var indented = string.Concat(lines.Split('\n').Select(line => $"    {line}\n"));
        var (body, source) = DefinitionText.Sync($"version: 1\nsyncs:\n  s:\n{indented}");

        var sync = new SyncValidator(new DefinitionValidator(catalog, DefinitionText.NoFiles, errors), connections, models).Build("s", body, source);
        return (sync!, errors.Select(e => e.ToString()).ToList());
    }

    private static ConnectionDefinition Connection(string name, string type, bool isWarehouse) =>
        new(new ConnectionSettings(name, type, default, DefinitionText.NoFiles), isWarehouse, Elsewhere);
}
