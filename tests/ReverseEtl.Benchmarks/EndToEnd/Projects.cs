namespace ReverseEtl.Benchmarks.EndToEnd;

/// <summary>The project files the benchmark runs: a model over the generated table and one sync per thing measured.</summary>
internal static class Projects
{
    public static readonly string[] HubSpotProperties =
        ["product_account_id", "name", "activation_stage", "days_in_stage", "is_activated", "stage_entered_at", "csm_email", "channel", "notes"];

    private const string Model = """
        version: 1
        models:
          accounts: { connection: warehouse, primary_key: account_id, sql: "select * from accounts" }
        """;

    private const string Fields = """
            fields:
              product_account_id: account_id
              name: account_name
              activation_stage: onboarding_stage
              days_in_stage: days_in_stage
              is_activated: is_activated
              stage_entered_at: stage_entered_at
              csm_email: csm_email
              channel: channel
              notes: notes
            hubspot: { object: companies, id_property: product_account_id }
        """;

    /// <summary>
    /// Three HubSpot upsert syncs of the same model, one per diff mode (the third, <c>diff: warehouse</c> against the
    /// in-warehouse snapshot, reads the same file through a connection with <c>snapshot:</c>); without a token, a dry run.
    /// </summary>
    public static string Diff() => $$$"""
        {{{Model}}}
          accounts-rw: { connection: warehouse-rw, primary_key: account_id, sql: "select * from accounts" }
        connections:
          warehouse: { duckdb: { path: {{{Workspace.Database}}} } }
          warehouse-rw: { duckdb: { path: {{{Workspace.Database}}}, snapshot: { schema: retl_state } } }
          hubspot: { hubspot: { token: "" } }
        syncs:
          bench-worker:
            model: accounts
            destination: hubspot
            mode: upsert
            diff: worker
        {{{Fields}}}
          bench-warehouse:
            model: accounts
            destination: hubspot
            mode: upsert
            diff: warehouse
        {{{Fields}}}
          bench-snapshot:
            model: accounts-rw
            destination: hubspot
            mode: upsert
            diff: warehouse
        {{{Fields}}}
        """;

    /// <summary>One sync to a stand-in at <paramref name="url"/>: HubSpot upserts, Intercom events or Slack messages.</summary>
    public static string Delivery(string vendor, string url) => $$$"""
        {{{Model}}}
        connections:
          warehouse: { duckdb: { path: {{{Workspace.Database}}} } }
          vendor: {{{Connection(vendor, url)}}}
        syncs:
          deliver:
            model: accounts
            destination: vendor
        {{{Sync(vendor)}}}
        """;

    private static string Connection(string vendor, string url) => vendor switch
    {
        "hubspot" => $$"""{ hubspot: { token: bench-token, base_url: "{{url.TrimEnd('/')}}" } }""",
        "intercom" => $$"""{ intercom: { token: bench-token, base_url: "{{url.TrimEnd('/')}}", version: "2.14" } }""",
        _ => $$"""{ slack: { token: xoxb-bench-token, base_url: "{{url.TrimEnd('/')}}" } }""",
    };

    private static string Sync(string vendor) => vendor switch
    {
        "hubspot" => "    mode: upsert\n" + Fields,
        "intercom" => """
                mode: trigger
                trigger: { when: "true", on: [enter], initial: send }
                limits: { messages: none }
                intercom: { object: events, event_name: bench-event, user_id: account_id, created_at: stage_entered_at, metadata: [onboarding_stage, notes] }
            """,
        _ => """
                mode: trigger
                trigger: { when: "true", on: [enter], initial: send }
                limits: { messages: none }
                slack: { channel: "{{ row.channel }}", text: "{{ row.account_name }} is in {{ row.onboarding_stage }}" }
            """,
    };
}
