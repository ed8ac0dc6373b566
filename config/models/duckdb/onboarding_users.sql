-- One row per user of an account that is not yet activated and that technology partners have as a customer: the
-- partner tools the account already uses, one of them whose integration it has not adopted yet (the nudge), and its
-- onboarding stage. A partner's tool is its integration slug, the first label of its domain; a partner without a
-- domain has no slug, so it is never suggested (IFF and FILTER treat a NULL condition differently: say it outright).
with tools as (
    select
        o.account_id,
        string_agg(o.partner_name, ', ' order by o.partner_name) as partner_tools,
        min(o.partner_name) filter (
            where o.partner_domain is not null
              and not list_contains(coalesce(a.integrations_adopted, []), split_part(o.partner_domain, '.', 1))
        ) as suggested_integration
    from account_partner_overlaps o
    join account_activation a on a.account_id = o.account_id
    where o.is_active and o.partner_population = 'Customers' and o.partner_type = 'technology'
    group by o.account_id
)
select
    u.user_id,
    u.email,
    u.full_name,
    a.account_id,
    a.account_name,
    a.onboarding_stage,
    a.stage_entered_at,
    a.days_in_stage,
    t.partner_tools,
    t.suggested_integration
from account_users u
join account_activation a on a.account_id = u.account_id
join tools t on t.account_id = a.account_id
where not a.is_activated
