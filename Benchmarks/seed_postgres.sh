#!/usr/bin/env bash
# Seeds a Closr PostgreSQL database (the schema its URL names) as seed_leads.py and seed_keys.py seed an
# SQLite file, in SQL on the server (generate_series), which is far faster than sending rows.
#
# Usage: Benchmarks/seed_postgres.sh leads URL N IDS_FILE [SAMPLE=100000]   # N leads, 2 contacts, 1 opportunity each
#        Benchmarks/seed_postgres.sh keys  URL ORGANIZATIONS KEYS_PER_ORGANIZATION HEADERS_FILE
set -euo pipefail
what=$1 url=$2
schema=$(python3 -c 'import sys, urllib.parse as u; q = u.parse_qs(u.urlsplit(sys.argv[1]).query); print(q.get("schema", ["public"])[0])' "$url")
plain=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, p.netloc, p.path, "", "")))' "$url")
export PGOPTIONS="-c search_path=$schema"
sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$plain" "$@"; }
started=$(date +%s.%N)
case "$what" in
leads)
    count=$3 ids=$4 sample=${5:-100000}
    sql <<SQL
CREATE TEMP TABLE seed AS
SELECT m.organization_id AS org, m.user_id AS usr,
       (SELECT id FROM statuses s WHERE s.organization_id = m.organization_id AND kind = 'lead' ORDER BY position LIMIT 1) AS lead_status,
       (SELECT id FROM statuses s WHERE s.organization_id = m.organization_id AND kind = 'opportunity' ORDER BY position LIMIT 1) AS opp_status,
       (extract(epoch FROM now()) * 1000000)::bigint - $count * 1000 AS base
FROM memberships m WHERE role_id = 'admin' ORDER BY date_created LIMIT 1;
INSERT INTO leads (id, organization_id, name, description, url, status_id, addresses, custom, created_by, updated_by, date_created, date_updated)
SELECT 'lead_' || lpad(to_hex(i), 22, '0'), org, 'Company ' || i, '', 'https://company' || i || '.example', lead_status,
       jsonb_build_array(jsonb_build_object('address_1', i || ' Main St', 'address_2', null, 'city', 'Springfield', 'country', 'US',
                                            'label', 'business', 'state', 'CA', 'zipcode', '90000')),
       '{}'::jsonb, usr, usr, base + i * 1000, base + i * 1000
FROM seed, generate_series(0, $count - 1) AS i;
INSERT INTO contacts (id, organization_id, lead_id, name, title, emails, phones, urls, custom, created_by, updated_by, date_created, date_updated)
SELECT 'cont_' || lpad(to_hex(i * 2 + p), 22, '0'), org, 'lead_' || lpad(to_hex(i), 22, '0'), 'Person ' || i || '-' || p, 'Buyer',
       jsonb_build_array(jsonb_build_object('type', 'office', 'email', 'p' || p || '@company' || i || '.example', 'is_unsubscribed', false)),
       jsonb_build_array(jsonb_build_object('type', 'office', 'phone', '+1555' || lpad((i % 10000000)::text, 7, '0'))),
       '[]'::jsonb, '{}'::jsonb, usr, usr, base + i * 1000, base + i * 1000
FROM seed, generate_series(0, $count - 1) AS i, generate_series(0, 1) AS p;
INSERT INTO opportunities (id, organization_id, lead_id, status_id, value, value_period, value_currency, confidence, note, date_won,
                           user_id, contact_id, custom, created_by, updated_by, date_created, date_updated)
SELECT 'oppo_' || lpad(to_hex(i), 22, '0'), org, 'lead_' || lpad(to_hex(i), 22, '0'), opp_status, 100000 + i % 900000, 'one_time', 'USD',
       50, '', null, usr, null, '{}'::jsonb, usr, usr, base + i * 1000, base + i * 1000
FROM seed, generate_series(0, $count - 1) AS i;
UPDATE closr_versions SET version = version + 1;
SQL
    # Vacuumed as well as analysed here, or autovacuum (which inserts trigger since PostgreSQL 13) works
    # through the fresh tables during the first measurements.
    sql -c "VACUUM (ANALYZE) leads, contacts, opportunities" -c "ANALYZE"
    sql -c "SELECT id FROM leads ORDER BY random() LIMIT $sample" > "$ids"
    printf 'seeded %s leads, %s contacts, %s opportunities in %.1f s\n' "$count" $((2 * count)) "$count" "$(echo "$(date +%s.%N) - $started" | bc)"
    ;;
keys)
    orgs=$3 per=$4 headers=$5
    sql <<SQL > "$headers"
CREATE TEMP TABLE bench_keys AS
SELECT o, k, 'orga_bench' || lpad(o::text, 6, '0') AS org, 'user_bench' || lpad(o::text, 6, '0') || lpad(k::text, 3, '0') AS usr,
       'closr_' || substr(md5(random()::text) || md5(random()::text), 1, 43) AS secret,
       (extract(epoch FROM now()) * 1000000)::bigint AS now
FROM generate_series(0, $orgs - 1) AS o, generate_series(0, $per - 1) AS k;
INSERT INTO organizations (id, name, currency, date_created, date_updated)
SELECT DISTINCT org, 'Bench Org ' || o, 'USD', now, now FROM bench_keys;
INSERT INTO users (id, email, first_name, last_name, date_created, date_updated)
SELECT usr, 'user' || k || '@org' || o || '.bench.example', 'User' || k, '', now, now FROM bench_keys;
INSERT INTO memberships (id, organization_id, user_id, role_id, date_created, date_updated)
SELECT 'memb_' || md5(usr), org, usr, CASE WHEN k = 0 THEN 'admin' ELSE 'user' END, now, now FROM bench_keys;
INSERT INTO api_keys (id, organization_id, user_id, created_by, label, secret_hash, preview, scopes, date_created)
SELECT 'api_' || md5(secret), org, usr, usr, 'bench', encode(sha256(convert_to(secret, 'UTF8')), 'hex'), substr(secret, 1, 12), 'full', now
FROM bench_keys;
UPDATE closr_versions SET version = version + 1;
SELECT 'Basic ' || replace(encode(convert_to(secret || ':', 'UTF8'), 'base64'), E'\n', '') FROM bench_keys;
SQL
    ;;
*) echo "usage: $0 leads|keys URL …" >&2; exit 2 ;;
esac
