-- The central store (docs/central.md), schema version 1.
-- `kesu server init` runs this once, as the role that will own the store
-- (it needs CREATEROLE). Stations and managers never own anything: they
-- log in as roles that are members of kesu_station or kesu_reader, and
-- PostgreSQL's grants, row-level security and the triggers below decide
-- what they may do. Nothing here is ever updated or deleted.

CREATE SCHEMA kesu;

CREATE TABLE kesu.meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO kesu.meta VALUES ('schema_version', '1');

-- One row per station: its signing key decides its identity.
CREATE TABLE kesu.stations (
  fingerprint text PRIMARY KEY CHECK (fingerprint ~ '^ed25519:[0-9a-f]{32}$'),
  public_key text NOT NULL,          -- the station's .pub file, as kesu key export writes it
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$'),
  role name NOT NULL UNIQUE,         -- the login role the station pushes as
  first_seen timestamptz NOT NULL DEFAULT now()
);

-- The finished records of every station's ledger, exactly as signed.
-- The columns after signature are copied out of the record by the insert
-- trigger (never taken from the client) so that filters can use indexes.
CREATE TABLE kesu.records (
  station text NOT NULL REFERENCES kesu.stations (fingerprint),
  seq bigint NOT NULL CHECK (seq > 0),
  record_id text NOT NULL,           -- the job id (or the id the record was appended under)
  record text NOT NULL,              -- canonical JSON, the signed bytes
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  signature text NOT NULL CHECK (signature ~ '^[0-9a-f]{128}$'),
  kind text,
  started_utc text,
  ended_utc text,
  outcome text,
  operator_name text,
  serial text,
  classification text,
  purpose text,
  certificate_id text,
  approval_number text,
  approval_entry text,
  received timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station, seq)
);
CREATE INDEX records_ended ON kesu.records (ended_utc);
CREATE INDEX records_certificate ON kesu.records (certificate_id) WHERE certificate_id IS NOT NULL;
CREATE INDEX records_record_id ON kesu.records (record_id);
CREATE INDEX records_approval ON kesu.records (approval_number) WHERE approval_number IS NOT NULL;
CREATE INDEX records_serial ON kesu.records (serial) WHERE serial IS NOT NULL;

-- A record a station offered for a place in its chain that the store
-- already holds differently: the evidence of a fork. The store keeps the
-- first version in kesu.records.
CREATE TABLE kesu.offers (
  id bigserial PRIMARY KEY,
  station text NOT NULL REFERENCES kesu.stations (fingerprint),
  seq bigint NOT NULL,
  record text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  signature text NOT NULL,
  received timestamptz NOT NULL DEFAULT now()
);

-- Certificates and reports: the PDF bytes as the station holds them. A
-- document that changes (a countersignature) arrives as a new row.
CREATE TABLE kesu.documents (
  station text NOT NULL REFERENCES kesu.stations (fingerprint),
  seq bigint NOT NULL,               -- the record it belongs to
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9._-]{1,128}$'),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes bytea NOT NULL,
  received timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station, name, sha256),
  FOREIGN KEY (station, seq) REFERENCES kesu.records (station, seq)
);

-- Alarms are raised by the store itself (the insert trigger) or by a
-- central verify; they are never changed or deleted. A manager clears
-- one only by adding an acknowledgement that says who and why.
CREATE TABLE kesu.alarms (
  id bigserial PRIMARY KEY,
  station text NOT NULL REFERENCES kesu.stations (fingerprint),
  seq bigint,
  kind text NOT NULL CHECK (kind IN ('fork', 'gap', 'chain', 'signature')),
  detail text NOT NULL,
  raised timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE kesu.alarm_acks (
  alarm bigint PRIMARY KEY REFERENCES kesu.alarms (id),
  by_role name NOT NULL DEFAULT current_user,
  reason text NOT NULL CHECK (length(btrim(reason)) > 0),
  at timestamptz NOT NULL DEFAULT now()
);

-- The station the logged-in role pushes for (NULL for anyone else).
CREATE FUNCTION kesu.my_station() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT fingerprint FROM kesu.stations WHERE role = current_user $$;

-- Every record goes through here. A record already held with the same
-- hash is skipped (a second push is a no-op). A different record for a
-- held place, or one whose previous hash is not the held record's hash,
-- is a fork: the offer and an alarm are stored, the held chain is kept.
-- Records must arrive in order: a gap is refused.
CREATE FUNCTION kesu.records_before_insert() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  held text;
  before text;
  d jsonb;
BEGIN
  IF NEW.station IS DISTINCT FROM kesu.my_station()
     AND NOT pg_has_role(current_user, (SELECT tableowner FROM pg_tables
                                         WHERE schemaname = 'kesu' AND tablename = 'records'), 'USAGE') THEN
    RAISE EXCEPTION 'role % may not write records of station %', current_user, NEW.station
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT hash INTO held FROM kesu.records WHERE station = NEW.station AND seq = NEW.seq;
  IF FOUND THEN
    IF held = NEW.hash THEN
      RETURN NULL;
    END IF;
    INSERT INTO kesu.offers (station, seq, record, prev_hash, hash, signature)
      VALUES (NEW.station, NEW.seq, NEW.record, NEW.prev_hash, NEW.hash, NEW.signature);
    INSERT INTO kesu.alarms (station, seq, kind, detail)
      VALUES (NEW.station, NEW.seq, 'fork',
              format('record %s was offered again with hash %s; the store holds %s', NEW.seq, NEW.hash, held));
    RETURN NULL;
  END IF;
  IF NEW.seq = 1 THEN
    before := repeat('0', 64);
  ELSE
    SELECT hash INTO before FROM kesu.records WHERE station = NEW.station AND seq = NEW.seq - 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'record % of station % arrives before record %', NEW.seq, NEW.station, NEW.seq - 1
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW.prev_hash <> before THEN
    INSERT INTO kesu.offers (station, seq, record, prev_hash, hash, signature)
      VALUES (NEW.station, NEW.seq, NEW.record, NEW.prev_hash, NEW.hash, NEW.signature);
    INSERT INTO kesu.alarms (station, seq, kind, detail)
      VALUES (NEW.station, NEW.seq, 'fork',
              format('record %s follows hash %s, but the store holds %s as record %s',
                     NEW.seq, NEW.prev_hash, before, NEW.seq - 1));
    RETURN NULL;
  END IF;
  d := NEW.record::jsonb;
  NEW.kind := coalesce(d->>'kind', 'wipe');
  NEW.started_utc := d->>'started_utc';
  NEW.ended_utc := d->>'ended_utc';
  NEW.outcome := d->>'outcome';
  NEW.operator_name := d#>>'{operator,name}';
  NEW.serial := d#>>'{media,serial}';
  NEW.classification := d->>'classification';
  NEW.purpose := d->>'purpose';
  NEW.certificate_id := d->>'certificate_id';
  NEW.approval_number := d#>>'{approval,number}';
  NEW.approval_entry := d#>>'{approval,entry}';
  NEW.received := now();
  RETURN NEW;
END $$;
CREATE TRIGGER records_before_insert BEFORE INSERT ON kesu.records
  FOR EACH ROW EXECUTE FUNCTION kesu.records_before_insert();

-- Nothing is ever changed or deleted, not even by the owner by mistake.
CREATE FUNCTION kesu.refuse_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'kesu central store: % on % is not allowed (rows are never changed or deleted)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER records_no_change BEFORE UPDATE OR DELETE ON kesu.records
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON kesu.records
  FOR EACH STATEMENT EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER offers_no_change BEFORE UPDATE OR DELETE ON kesu.offers
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER offers_no_truncate BEFORE TRUNCATE ON kesu.offers
  FOR EACH STATEMENT EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON kesu.documents
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON kesu.documents
  FOR EACH STATEMENT EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER alarms_no_change BEFORE UPDATE OR DELETE ON kesu.alarms
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER alarms_no_truncate BEFORE TRUNCATE ON kesu.alarms
  FOR EACH STATEMENT EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER alarm_acks_no_change BEFORE UPDATE OR DELETE ON kesu.alarm_acks
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER alarm_acks_no_truncate BEFORE TRUNCATE ON kesu.alarm_acks
  FOR EACH STATEMENT EXECUTE FUNCTION kesu.refuse_change();
CREATE TRIGGER stations_no_delete BEFORE DELETE ON kesu.stations
  FOR EACH ROW EXECUTE FUNCTION kesu.refuse_change();

-- Who may do what. The group roles are created by kesu server init
-- (before this script runs) and never log in themselves.
REVOKE ALL ON SCHEMA kesu FROM PUBLIC;
GRANT USAGE ON SCHEMA kesu TO kesu_station, kesu_reader;
GRANT SELECT ON kesu.meta, kesu.stations TO kesu_station, kesu_reader;
GRANT SELECT, INSERT ON kesu.records, kesu.documents, kesu.offers, kesu.alarms TO kesu_station;
GRANT USAGE ON SEQUENCE kesu.offers_id_seq, kesu.alarms_id_seq TO kesu_station;
GRANT SELECT ON ALL TABLES IN SCHEMA kesu TO kesu_reader;
GRANT EXECUTE ON FUNCTION kesu.my_station() TO kesu_station, kesu_reader;

ALTER TABLE kesu.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE kesu.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE kesu.offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE kesu.alarms ENABLE ROW LEVEL SECURITY;
CREATE POLICY station_reads_own ON kesu.records FOR SELECT TO kesu_station
  USING (station = kesu.my_station());
CREATE POLICY station_writes_own ON kesu.records FOR INSERT TO kesu_station
  WITH CHECK (station = kesu.my_station());
CREATE POLICY reader_reads_all ON kesu.records FOR SELECT TO kesu_reader USING (true);
CREATE POLICY station_reads_own ON kesu.documents FOR SELECT TO kesu_station
  USING (station = kesu.my_station());
CREATE POLICY station_writes_own ON kesu.documents FOR INSERT TO kesu_station
  WITH CHECK (station = kesu.my_station());
CREATE POLICY reader_reads_all ON kesu.documents FOR SELECT TO kesu_reader USING (true);
CREATE POLICY station_reads_own ON kesu.offers FOR SELECT TO kesu_station
  USING (station = kesu.my_station());
CREATE POLICY station_writes_own ON kesu.offers FOR INSERT TO kesu_station
  WITH CHECK (station = kesu.my_station());
CREATE POLICY reader_reads_all ON kesu.offers FOR SELECT TO kesu_reader USING (true);
CREATE POLICY station_reads_own ON kesu.alarms FOR SELECT TO kesu_station
  USING (station = kesu.my_station());
CREATE POLICY station_writes_own ON kesu.alarms FOR INSERT TO kesu_station
  WITH CHECK (station = kesu.my_station());
CREATE POLICY reader_reads_all ON kesu.alarms FOR SELECT TO kesu_reader USING (true);

-- Managers acknowledge alarms (kesu server ack): a new row, never a change.
GRANT SELECT, INSERT ON kesu.alarm_acks TO kesu_reader;
-- A station reads the acknowledgements of its own alarms only, so that
-- kesu ledger verify --db can check its own chain under its own role.
GRANT SELECT ON kesu.alarm_acks TO kesu_station;
ALTER TABLE kesu.alarm_acks ENABLE ROW LEVEL SECURITY;
CREATE POLICY station_reads_own ON kesu.alarm_acks FOR SELECT TO kesu_station
  USING (EXISTS (SELECT 1 FROM kesu.alarms a WHERE a.id = alarm AND a.station = kesu.my_station()));
CREATE POLICY reader_reads_all ON kesu.alarm_acks FOR SELECT TO kesu_reader USING (true);
CREATE POLICY reader_acknowledges ON kesu.alarm_acks FOR INSERT TO kesu_reader WITH CHECK (true);
