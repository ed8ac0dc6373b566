-- One request budget per credential, shared by every replica (a token bucket). The key is a truncated SHA-256 of the
-- vendor and the credential, never the credential itself. tokens and refilled_at are updated in one statement each time
-- a replica takes a lease of permits; granted is what that statement gave (all it asked for, or 0).
create table credential_budgets (
    credential_key text             primary key,
    tokens         double precision not null,
    granted        integer          not null,
    refilled_at    timestamptz      not null
);
