-- +goose Up

-- Passkeys (WebAuthn credentials): a user may have several. Each signs in
-- alone (a passkey is two factors in one: the device and its lock).
CREATE TABLE passkeys (
    id               bigserial PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id    bytea NOT NULL UNIQUE CHECK (length(credential_id) BETWEEN 1 AND 1023),
    public_key       bytea NOT NULL CHECK (length(public_key) <= 4096),
    attestation_type text NOT NULL DEFAULT '' CHECK (length(attestation_type) <= 64),
    aaguid           bytea NOT NULL DEFAULT '\x'::bytea CHECK (length(aaguid) <= 16),
    sign_count       bigint NOT NULL DEFAULT 0,
    transports       text[] NOT NULL DEFAULT '{}' CHECK (cardinality(transports) <= 16),
    -- UP, UV, BE, BS as the library packs them (CredentialFlags.MsgpByte):
    -- backup eligibility must never change between registration and use.
    flags            smallint NOT NULL DEFAULT 0,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_used_at     timestamptz
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id, created_at);

-- +goose Down
DROP TABLE passkeys;
