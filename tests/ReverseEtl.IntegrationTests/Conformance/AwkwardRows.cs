namespace ReverseEtl.IntegrationTests.Conformance;

/// <summary>
/// Rows as real data has them, for every suite that builds a request: nulls, empty strings, long text and non-ASCII
/// text (accents, CJK, an emoji, a dash), each in a column the sync sends.
/// </summary>
internal static class AwkwardRows
{
    public const long Count = 4;

    /// <summary>A long non-ASCII name: 14 characters (15 UTF-16 units) repeated 400 times.</summary>
    public const string LongName = "repeat('Ünïcødé 東京 🚀 ', 400)";

    /// <summary>The <c>accounts</c> table of the conformance suites: account_id, account_name, email, days_in_stage.</summary>
    public const string Accounts = $"""
        create table accounts (account_id varchar, account_name varchar, email varchar, days_in_stage bigint);
        insert into accounts values
            ('acc_001', null, null, 1),
            ('acc_002', '', 'user2@customer.example', 0),
            ('acc_003', {LongName}, 'user3@customer.example', 3),
            ('acc_004', 'Zoë Ørsted — Café 東京', 'zoë@customer.example', 4);
        """;
}
