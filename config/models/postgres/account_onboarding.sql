-- One row per account and stage entry, with the partners that have the account as a customer
-- (active overlaps whose partner population is Customers) and whether they share an account owner.
-- PostgreSQL dialect of models/duckdb/account_onboarding.sql: the same columns and rows.
select
    a.account_id,
    a.account_name,
    a.account_domain,
    a.csm_email,
    a.onboarding_stage,
    a.stage_entered_at,
    a.days_in_stage,
    a.is_activated,
    json_agg(
        json_build_object(
            'partner_name', o.partner_name,
            'partner_type', o.partner_type,
            'owner_name', o.partner_account_owner_name,
            'owner_email', o.partner_account_owner_email
        )
        order by o.partner_type nulls last, o.partner_name
    ) filter (where o.overlap_id is not null) as customer_partners
from account_activation a
left join account_partner_overlaps o
    on o.account_id = a.account_id
   and o.is_active
   and o.partner_population = 'Customers'
group by a.account_id, a.account_name, a.account_domain, a.csm_email, a.onboarding_stage, a.stage_entered_at, a.days_in_stage, a.is_activated
