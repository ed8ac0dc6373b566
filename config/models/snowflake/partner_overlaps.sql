-- One row per active partner overlap, with the account's onboarding state and CSM, and how many days ago the overlap
-- was first seen, counted to the model's refresh time (so the demo's output does not depend on today's date).
-- Snowflake dialect of models/partner_overlaps.sql: DATE_PART(epoch_second, ...) for extract(epoch from ...).
select
    o.overlap_id,
    o.partner_name,
    o.partner_type,
    o.partner_population,
    o.partner_account_owner_name,
    o.partner_account_owner_email,
    o.overlap_first_seen_at,
    cast(floor((date_part(epoch_second, o.model_refreshed_at) - date_part(epoch_second, o.overlap_first_seen_at)) / 86400) as bigint) as days_since_first_seen,
    a.account_id,
    a.account_name,
    a.account_domain,
    a.csm_email,
    a.onboarding_stage,
    a.stage_entered_at,
    a.days_in_stage,
    a.is_activated
from account_partner_overlaps o
join account_activation a on a.account_id = o.account_id
where o.is_active
