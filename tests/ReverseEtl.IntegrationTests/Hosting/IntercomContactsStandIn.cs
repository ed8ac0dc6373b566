using System.Globalization;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReverseEtl.IntegrationTests.Hosting;

/// <summary>
/// A loopback Intercom that keeps contacts by external_id (<see cref="RecordStandIn"/>), their companies and tags, for
/// tests that kill the worker mid-run. Every write (a contact created or updated, a company, an attachment, a tag) is
/// applied between two random waits (<see cref="StoreDelays"/>); reads answer at once. As Intercom does, a contact
/// created for an external_id that one already holds is refused with 409 naming that contact's id, and a data
/// attribute created twice with "You already have", and a value for a custom attribute never created with 400. Every
/// request body is checked against Intercom's contract.
/// </summary>
internal sealed class IntercomContactsStandIn : RecordStandIn
{
    public const string Token = IntercomEventsStandIn.Token;
    private const string Contract = "intercom-2.14.yaml";
    private readonly Dictionary<string, (string Id, JsonObject Body)> _companies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private readonly HashSet<(string Contact, string Company)> _attached = [];
    private readonly HashSet<(string Contact, string Tag)> _tagged = [];
    private readonly HashSet<(string Model, string Name)> _attributes = [];
    private int _conflicts;

    public IntercomContactsStandIn(int seed, int maxDelayMs)
        : base(seed, maxDelayMs)
    {
        On("/contacts/find_by_external_id/*", "GET", Find);
        On("/contacts", "POST", r => WriteAsync(r, "/contacts", CreateContact));
        On(new RegexMatcher("^/contacts/[^/]+$"), "PUT", r => WriteAsync(r, "/contacts/{contact_id}", UpdateContact));
        On("/companies", "POST", r => WriteAsync(r, "/companies", Company));
        On(new RegexMatcher("^/contacts/[^/]+/companies$"), "POST", r => WriteAsync(r, "/contacts/{contact_id}/companies", Attach));
        On("/tags", "POST", r => WriteAsync(r, "/tags", Tag));
        On(new RegexMatcher("^/contacts/[^/]+/tags$"), "POST", r => WriteAsync(r, "/contacts/{contact_id}/tags", TagContact));
        On("/data_attributes", "GET", Attributes);
        On("/data_attributes", "POST", r => WriteAsync(r, "/data_attributes", CreateAttribute));
    }

    /// <summary>Contacts created for an external_id already held, refused with 409.</summary>
    public int Conflicts => Volatile.Read(ref _conflicts);

    /// <summary>Each live contact's external_id, its fields, its company's company_id and name, and its tags' names.</summary>
    public IReadOnlyDictionary<string, (JsonObject Fields, string[] Companies, string[] Tags)> Contacts()
    {
        lock (Records)
        {
            return Records.Where(r => !r.Deleted).ToDictionary(r => r.Key, r => (
                (JsonObject)r.Fields.DeepClone(),
                _attached.Where(a => a.Contact == r.Id).Select(a => _companies.Values.Single(c => c.Id == a.Company).Body.ToJsonString()).Order(StringComparer.Ordinal).ToArray(),
                _tagged.Where(t => t.Contact == r.Id).Select(t => _tags.Single(n => n.Value == t.Tag).Key).Order(StringComparer.Ordinal).ToArray()), StringComparer.Ordinal);
        }
    }

    private void On(string path, string method, Func<IRequestMessage, IResponseMessage> answer) => On(new WildcardMatcher(path), method, r => Task.FromResult(answer(r)));

    private void On(string path, string method, Func<IRequestMessage, Task<IResponseMessage>> answer) => On(new WildcardMatcher(path), method, answer);

    private void On(IStringMatcher path, string method, Func<IRequestMessage, Task<IResponseMessage>> answer) =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(Response.Create().WithCallback(answer));

    private IResponseMessage Find(IRequestMessage request)
    {
        if (Refused(request, Token, []) is not null)
        {
            return Error(401, "unauthorized", "Access Token Invalid");
        }

        var externalId = Uri.UnescapeDataString(new Uri(request.AbsoluteUrl).AbsolutePath.Split('/')[^1]);
        lock (Records)
        {
            return Records.FirstOrDefault(r => !r.Deleted && r.Key == externalId) is { } found ? Json(200, ContactAnswer(found)) : Error(404, "not_found", "User Not Found");
        }
    }

    private IResponseMessage Attributes(IRequestMessage request)
    {
        if (Refused(request, Token, []) is not null)
        {
            return Error(401, "unauthorized", "Access Token Invalid");
        }

        var model = request.Query?.TryGetValue("model", out var m) == true ? m.FirstOrDefault() : null;
        lock (Records)
        {
            var data = _attributes.Where(a => a.Model == model).Select(a => (JsonNode)new JsonObject { ["type"] = "data_attribute", ["name"] = a.Name, ["model"] = a.Model });
            return Json(200, new JsonObject { ["type"] = "list", ["data"] = new JsonArray([.. data]) });
        }
    }

    // A write: its token and body checked, then applied between two random waits; the answer its apply gives.
    private async Task<IResponseMessage> WriteAsync(IRequestMessage request, string template, Func<string[], JsonObject, IResponseMessage> apply)
    {
        Arrived();
        if (Refused(request, Token, OpenApiContract.Get(Contract).ValidateRequest(template, request.Method.ToLowerInvariant(), request.Body ?? "{}")) is { } problems)
        {
            return problems.Contains("no token") ? Error(401, "unauthorized", "Access Token Invalid") : Error(400, "parameter_invalid", string.Join("; ", problems));
        }

        var segments = new Uri(request.AbsoluteUrl).AbsolutePath.Split('/').Select(Uri.UnescapeDataString).ToArray();
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        return await AppliedWithDelaysAsync(() => apply(segments, body));
    }

    private IResponseMessage CreateContact(string[] path, JsonObject body)
    {
        var externalId = body["external_id"]!.GetValue<string>();
        if (Records.FirstOrDefault(r => !r.Deleted && r.Key == externalId) is { } held)
        {
            Interlocked.Increment(ref _conflicts);
            return Error(409, "conflict", $"A contact matching those details already exists with id={held.Id}");
        }

        return Unknown(body) is { } refused ? refused : Json(200, ContactAnswer(Write(externalId, Fields(body, []), "c")));
    }

    private IResponseMessage UpdateContact(string[] path, JsonObject body)
    {
        if (Records.FirstOrDefault(r => !r.Deleted && r.Id == path[2]) is not { } contact)
        {
            return Error(404, "not_found", "User Not Found");
        }

        return Unknown(body) is { } refused ? refused : Json(200, ContactAnswer(Write(contact.Key, Fields(body, contact.Fields), "c")));
    }

    private IResponseMessage Company(string[] path, JsonObject body)
    {
        var companyId = body["company_id"]!.GetValue<string>();
        var id = _companies.TryGetValue(companyId, out var known) ? known.Id : "co" + (_companies.Count + 1).ToString("D6", CultureInfo.InvariantCulture);
        _companies[companyId] = (id, (JsonObject)body.DeepClone());
        return Json(200, new JsonObject { ["type"] = "company", ["id"] = id, ["company_id"] = companyId, ["app_id"] = "ecahpwf5" });
    }

    private IResponseMessage Attach(string[] path, JsonObject body) =>
        Linked(path[2], body["id"]!.GetValue<string>(), _companies.Values.Any(c => c.Id == body["id"]!.GetValue<string>()), _attached, "company");

    private IResponseMessage Tag(string[] path, JsonObject body)
    {
        var name = body["name"]!.GetValue<string>();
        var id = _tags.TryGetValue(name, out var known) ? known : _tags[name] = "t" + (_tags.Count + 1).ToString(CultureInfo.InvariantCulture);
        return Json(200, new JsonObject { ["type"] = "tag", ["id"] = id, ["name"] = name });
    }

    private IResponseMessage TagContact(string[] path, JsonObject body) =>
        Linked(path[2], body["id"]!.GetValue<string>(), _tags.ContainsValue(body["id"]!.GetValue<string>()), _tagged, "tag");

    private IResponseMessage CreateAttribute(string[] path, JsonObject body)
    {
        var (model, name) = (body["model"]!.GetValue<string>(), body["name"]!.GetValue<string>());
        return _attributes.Add((model, name))
            ? Json(200, new JsonObject { ["type"] = "data_attribute", ["name"] = name, ["model"] = model })
            : Error(400, "parameter_invalid", $"You already have '{name}' in your {model} data. To save this as new {model} data, use a different name.");
    }

    // Intercom refuses a value for a custom attribute that was never created.
    private ResponseMessage? Unknown(JsonObject body) =>
        (body["custom_attributes"]?.AsObject() ?? []).Select(a => a.Key).FirstOrDefault(name => !_attributes.Contains(("contact", name))) is { } missing
            ? Error(400, "parameter_not_found", $"Custom attribute '{missing}' does not exist")
            : null;

    // A contact attached to a company or tagged: both must exist; attaching again changes nothing, as at Intercom.
    private ResponseMessage Linked(string contactId, string id, bool exists, HashSet<(string, string)> links, string type)
    {
        if (!exists || !Records.Any(r => !r.Deleted && r.Id == contactId))
        {
            return Error(404, "not_found", $"{type} or contact not found");
        }

        links.Add((contactId, id));
        return Json(200, new JsonObject { ["type"] = type, ["id"] = id });
    }

    // The fields a contact holds after a write: those sent replace its own; custom attributes merge, a null clearing one.
    private static JsonObject Fields(JsonObject body, JsonObject held)
    {
        var fields = (JsonObject)held.DeepClone();
        foreach (var (name, value) in body.Where(f => f.Key != "custom_attributes"))
        {
            fields[name] = value?.DeepClone();
        }

        foreach (var (name, value) in body["custom_attributes"]?.AsObject() ?? [])
        {
            fields["custom:" + name] = value?.DeepClone();
        }

        return fields;
    }

    private static JsonObject ContactAnswer(StoredRecord contact) => new()
    {
        ["type"] = "contact", ["id"] = contact.Id, ["workspace_id"] = "ecahpwf5", ["external_id"] = contact.Key, ["role"] = "user",
        ["created_at"] = 1747728000, ["updated_at"] = 1747728000,
    };

    private static ResponseMessage Error(int status, string code, string message) => Json(status, new JsonObject
    {
        ["type"] = "error.list", ["request_id"] = "b68959ea-6328-4f8c-8e5c-4d8a1f5b0f55",
        ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }),
    });
}
