namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>The fixed lists the demo data is drawn from.</summary>
internal static class DemoCatalog
{
    /// <summary>The dbt run time of the demo: every DAYS_IN_STAGE is counted to it.</summary>
    public static readonly DateTime RefreshedAt = new(2025, 5, 20, 8, 0, 0, DateTimeKind.Utc);

    public static readonly string[] Stages = ["signed_up", "workspace_created", "data_source_connected", "first_sync_completed", "activated"];

    public static readonly DemoPartner[] Partners =
    [
        new(10_101, "Salesforce", "salesforce", "technology"),
        new(10_102, "Slack", "slack", "technology"),
        new(10_103, "HubSpot", "hubspot", "technology"),
        new(10_104, "Zendesk", "zendesk", "technology"),
        new(10_105, "Segment", "segment", "technology"),
        new(10_106, "Stripe", "stripe", "technology"),
        new(20_201, "Brightpath Digital", "brightpath", "agency"),
        new(20_202, "Lumen Growth Partners", "lumengrowth", "agency"),
        new(20_203, "Copperleaf Agency", "copperleaf", "agency"),
        new(30_301, "Meridian Consulting Group", "meridian", "si"),
        new(30_302, "Atlas Systems Integration", "atlas-si", "si"),
        new(30_303, "Keystone Implementations", "keystone", "si"),
    ];

    public static readonly string[] PopulationsByPriority = ["Customers", "Open Opportunities", "Prospects"];

    public static readonly string[] Csms =
        ["jane.doe", "omar.haddad", "li.wei", "maria.garcia", "tom.becker", "aisha.bello", "lucas.martin", "sofia.rossi"];

    public static readonly string[] FirstNames =
        ["Alex", "Sam", "Priya", "Jordan", "Chen", "Fatima", "Lena", "Mateo", "Noah", "Yuki", "Olivia", "Ivan", "Grace", "Kofi", "Elena", "Ravi"];

    public static readonly string[] LastNames =
        ["Smith", "Khan", "Nguyen", "Fischer", "Okafor", "Silva", "Kowalski", "Tanaka", "Dubois", "Haddad", "Johansson", "Patel", "Reyes", "Brown"];

    public static readonly string[] NameStems =
        ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Adventure", "Blue Yonder", "Coho", "Litware", "Proseware",
         "Alpine", "Lakeshore", "Margie's", "Wide World", "Trey", "Humongous", "Fourth Coffee", "Graphic", "Southridge", "Woodgrove",
         "Bellows", "Cedar", "Datum", "Elm Street", "Fernhill", "Granite", "Harbor", "Ironwood", "Juniper", "Kestrel"];

    public static readonly string[] NameSuffixes =
        ["Traders", "Labs", "Logistics", "Analytics", "Health", "Foods", "Travel", "Energy", "Media", "Robotics",
         "Finance", "Studios", "Outfitters", "Systems", "Bank", "Insurance", "Pharma", "Retail", "Capital", "Works",
         "Networks", "Holdings", "Partners", "Supply", "Motors", "Software", "Farms", "Group", "Design", "Academy",
         "Clinic", "Brewing", "Apparel", "Security", "Mobility", "Cloud", "Solar", "Games", "Marine", "Learning",
         "Dental", "Legal", "Realty", "Aviation", "Textiles", "Printing", "Events", "Ventures", "Biotech", "Freight"];
}

internal sealed record DemoPartner(long OrganizationId, string Name, string Slug, string Type)
{
    public string Domain => $"{Slug}.example";
}
