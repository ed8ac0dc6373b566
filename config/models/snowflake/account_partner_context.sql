-- One row per account with at least one active partner overlap: the partners (with their type), the account's
-- activation stage, and the best partner to ask for help. The best partner has the account as a customer and shares
-- an account-owner contact; technology partners come first, then SIs, then agencies, then the longest-standing overlap.
-- A partner without a type is listed by its name alone (|| with a NULL is NULL, which the aggregate would skip).
-- Snowflake dialect of models/account_partner_context.sql: LISTAGG for string_agg, IFF inside the aggregate for FILTER.
with ranked as (
    select
        o.*,
        row_number() over (
            partition by o.account_id
            order by
                case when o.partner_population = 'Customers' and o.partner_account_owner_email is not null then 0 else 1 end,
                case o.partner_type when 'technology' then 0 when 'si' then 1 when 'agency' then 2 else 3 end,
                o.overlap_first_seen_at,
                o.partner_name
        ) as help_rank
    from account_partner_overlaps o
    where o.is_active
)
select
    a.account_id,
    a.account_name,
    a.account_domain,
    a.onboarding_stage,
    cast(a.stage_entered_at as date) as stage_entered_on,
    a.days_in_stage,
    a.is_activated,
    listagg(r.partner_name || coalesce(' (' || r.partner_type || ')', ''), ', ') within group (order by r.partner_name) as overlapping_partners,
    count(*) as overlapping_partner_count,
    max(iff(
        r.help_rank = 1 and r.partner_population = 'Customers' and r.partner_account_owner_email is not null,
        r.partner_name,
        null
    )) as best_help_partner,
    max(iff(
        r.help_rank = 1 and r.partner_population = 'Customers' and r.partner_account_owner_email is not null,
        coalesce(r.partner_account_owner_name || ' <' || r.partner_account_owner_email || '>', r.partner_account_owner_email),
        null
    )) as best_help_partner_contact
from account_activation a
join ranked r on r.account_id = a.account_id
group by a.account_id, a.account_name, a.account_domain, a.onboarding_stage, a.stage_entered_at, a.days_in_stage, a.is_activated
