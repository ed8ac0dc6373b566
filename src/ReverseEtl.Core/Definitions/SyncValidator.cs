using System.Text.Json;
using ReverseEtl.Abstractions;

namespace ReverseEtl.Core.Definitions;

/// <summary>Checks one sync against its model, its destination's capabilities and its destination section.</summary>
internal sealed class SyncValidator(
    DefinitionValidator owner,
    IReadOnlyDictionary<string, ConnectionDefinition> connections,
    IReadOnlyDictionary<string, ModelDefinition> models)
{
    public SyncDefinition? Build(string name, SyncDto body, DefinitionSource source)
    {
        owner.CheckName(name, source);
        if (!models.ContainsKey(body.Model))
        {
            owner.Add(source, "model", $"no model named '{body.Model}'; defined: {DefinitionValidator.Names(models.Keys)}");
        }

        var mode = SyncModes.Parse(body.Mode);
        var options = CheckDestination(name, body, mode, source);
        if (body.Trigger is not null && mode != SyncMode.Trigger)
        {
            owner.Add(source, "trigger", "'trigger' applies only to 'mode: trigger'");
        }

        if (body.DeleteLimitPercent is not null && mode != SyncMode.Mirror)
        {
            owner.Add(source, "delete_limit_percent", "'delete_limit_percent' applies only to 'mode: mirror'");
        }

        if (body.Schedule is { } schedule)
        {
            owner.CheckSchedule(schedule, source);
        }

        return new SyncDefinition(
            name, body.Model, body.Destination, mode, BuildTrigger(body.Trigger),
            body.Fields?.Select(f => new FieldMapping(f.Key, f.Value)).ToList(),
            body.Schedule is { } s ? new ScheduleDefinition(CronText.ToQuartz(s.Cron, out _) ?? s.Cron, s.Timezone ?? "UTC", s.Misfire == "skip") : null,
            body.BatchSize, body.Enabled ?? true, options, source)
        {
            Limits = BuildLimits(body, mode, source),
            DiffInWarehouse = body.Diff == "warehouse",
            Alerts = body.Alerts is { } alerts ? new(alerts.Enabled ?? true, alerts.RejectedShare is { } share ? AlertValidator.Share(share) : null) : SyncAlertSettings.Default,
            Redact = BuildRedact(body, source),
        };
    }

    // log.redact: mapped fields; with fields: declared, each must be one of them (without, every column is a field).
    private HashSet<string> BuildRedact(SyncDto body, DefinitionSource source)
    {
        var listed = body.Log?.Redact ?? [];
        for (var i = 0; body.Fields is { } fields && i < listed.Count; i++)
        {
            if (!fields.Keys.Contains(listed[i], StringComparer.OrdinalIgnoreCase))
            {
                owner.Add(source, ConfigPath.Item("log.redact", i), $"'log.redact' names '{listed[i]}', which is not a mapped field of this sync; fields: {DefinitionValidator.Names(fields.Keys)}");
            }
        }

        return new HashSet<string>(listed, StringComparer.OrdinalIgnoreCase);
    }

    private JsonElement CheckDestination(string name, SyncDto body, SyncMode mode, DefinitionSource source)
    {
        var sections = body.Sections ?? [];
        if (!connections.TryGetValue(body.Destination, out var connection))
        {
            owner.Add(source, "destination", $"no connection named '{body.Destination}'; defined: {DefinitionValidator.Names(connections.Keys)}");
            return default;
        }

        var type = connection.Settings.Type;
        var connector = owner.Catalog.Destination(type);
        if (connector is null)
        {
            owner.Add(source, "destination", $"'{body.Destination}' is a {type} connection, not a destination");
            return default;
        }

        foreach (var other in sections.Keys.Where(k => k != type))
        {
            owner.Add(source, other, $"this sync sends to '{body.Destination}', a {type} connection; the '{other}' section does not apply");
        }

        if (!connector.Capabilities.Modes.Contains(mode))
        {
            var supported = string.Join(", ", connector.Capabilities.Modes.Order().Select(m => m.Name()));
            owner.Add(source, "mode", $"'{body.Mode}' is not supported by {type} destinations; supported: {supported}");
        }

        var options = sections.GetValueOrDefault(type);
        var problems = connector.ValidateSync(new SyncSettings(name, mode, options));
        if (options.ValueKind == JsonValueKind.Undefined && problems.Count > 0)
        {
            owner.Add(source, string.Empty, $"missing required key '{type}' (the {type} settings of this sync)");
            return options;
        }

        owner.AddProblems(source, type, problems);
        return options;
    }

    // limits: per kind, a whole number, N% or none (the schema checked the form); delete_limit_percent is limits.deletes as a share.
    private SendLimits BuildLimits(SyncDto body, SyncMode mode, DefinitionSource source)
    {
        var set = (body.Limits ?? []).ToDictionary(l => l.Key, l => SendLimit.Parse(l.Value.ToString()), StringComparer.Ordinal);
        foreach (var kind in set.Keys.Where(k => (k == "messages") != (mode == SyncMode.Trigger) || (k == "deletes" && mode != SyncMode.Mirror)))
        {
            owner.Add(source, $"limits.{kind}", $"'limits.{kind}' does not apply to 'mode: {mode.Name()}'");
        }

        if (body.DeleteLimitPercent is { } percent)
        {
            if (set.ContainsKey("deletes"))
            {
                owner.Add(source, "delete_limit_percent", "set either 'delete_limit_percent' or 'limits.deletes', not both");
            }

            set.TryAdd("deletes", new SendLimit(null, percent));
        }

        var limits = SendLimits.Default;
        return limits with
        {
            Messages = set.GetValueOrDefault("messages", limits.Messages),
            Creates = set.GetValueOrDefault("creates", limits.Creates),
            Updates = set.GetValueOrDefault("updates", limits.Updates),
            Deletes = set.GetValueOrDefault("deletes", limits.Deletes),
            CreatesSet = set.ContainsKey("creates"),
        };
    }

    private static TriggerDefinition BuildTrigger(TriggerDto? trigger)
    {
        if (trigger is null)
        {
            return new TriggerDefinition(null, new HashSet<RecordAction> { RecordAction.Enter });
        }

        var on = (trigger.On ?? ["enter"]).Select(t => t == "change" ? RecordAction.Change : RecordAction.Enter).ToHashSet();
        return new TriggerDefinition(trigger.When, on) { SendInitial = trigger.Initial == "send" };
    }
}
