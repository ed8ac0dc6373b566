using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace ReverseEtl.Warehouses.DuckDb.Demo;

/// <summary>
/// Two accounts after the generated ones, written as they are (no random draw, so the generated rows stay the same),
/// holding what real data holds and the generator never draws: no domain, CSM or adopted integrations; a technology
/// partner with no domain; a partner with no type; an owner with an email but no name; a user with no name and one
/// with a non-ASCII name; and an account without users. The dialect models must agree on them.
/// </summary>
internal static class DemoAwkwardRows
{
    private static readonly CompositeFormat Sql = CompositeFormat.Parse(Text);

    public static void Write(DuckDBConnection connection, int accounts)
    {
        var (open, stuck) = ($"acc_{accounts + 1:D4}", $"acc_{accounts + 2:D4}");
        using var command = connection.CreateCommand();
        command.CommandText = string.Format(CultureInfo.InvariantCulture, Sql, open, stuck, open[4..]);
        command.ExecuteNonQuery();
    }

    // {0}: the account that entered its stage three days before the refresh (its users get a stage-entered event);
    // {1}: the stagnant account without users; {2}: the first account's number, for its user ids.
    private const string Text = """
        insert into account_activation values
            ('{0}', 'Quiet Harbor Tools', null, null, 'workspace_created', timestamp '2025-05-17 06:00:00', 3, false, null,
             timestamp '2025-05-10 09:30:00', date '2025-05-01', null, null, timestamptz '2025-05-20 08:00:00+00'),
            ('{1}', 'Zoë''s Café Systems', 'zoes-cafe.example', 'jane.doe@ourco.example', 'data_source_connected', timestamp '2025-04-30 10:00:00', 20, false, null,
             timestamp '2025-04-02 11:00:00', date '2025-04-01', ['salesforce'], 1, timestamptz '2025-05-20 08:00:00+00');
        insert into account_partner_overlaps
        select md5(account_id || cast(partner_organization_id as varchar)), account_id, 'crm_' || account_id, partner_organization_id,
               partner_name, partner_domain, partner_type, 'Customers', ['Customers'], 'Customers', owner_name, owner_email,
               timestamp '2025-03-01 12:00:00', timestamp '2025-05-19 20:00:00', true, timestamptz '2025-05-20 08:00:00+00'
        from (values
            ('{0}', 40401, 'Quillmark', null, 'technology', null, null),
            ('{0}', 10102, 'Slack', 'slack.example', 'technology', null, 'noor.haddad@slack.example'),
            ('{0}', 50501, 'Unlisted Partner Co', 'unlisted.example', null, 'Kofi Mensah', 'kofi.mensah@unlisted.example'),
            ('{1}', 10101, 'Salesforce', 'salesforce.example', 'technology', 'Grace Okafor', 'grace.okafor@salesforce.example'),
            ('{1}', 40401, 'Quillmark', null, 'technology', 'Ivan Petrov', 'ivan.petrov@quillmark.example')
        ) t(account_id, partner_organization_id, partner_name, partner_domain, partner_type, owner_name, owner_email);
        insert into account_users values
            ('usr_{2}_1', '{0}', 'admin@quiet-harbor.example', null, 'admin', timestamp '2025-05-10 09:30:00', null),
            ('usr_{2}_2', '{0}', 'zoë.ørsted@quiet-harbor.example', 'Zoë Ørsted — 東京', 'member', timestamp '2025-05-11 10:00:00', timestamp '2025-05-19 17:00:00');
        """;
}
