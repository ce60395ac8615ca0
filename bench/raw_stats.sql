-- The floor for `db::stats::stats`: the same county-year figures computed
-- directly in SQL on the same database (SQLite and PostgreSQL alike).
-- Placeholders {root} (the org's tree path), {from}, {to} are filled by
-- `jinguo bench-stats --raw bench/raw_stats.sql`. Statements are separated by
-- semicolons; every result row is fetched.

-- Organisations, venues and officers of the subtree as it stood on {to}.
SELECT o.kind, COUNT(*) FROM org o
 WHERE o.id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY o.kind;
SELECT v.kind, COUNT(*) FROM venue v
 WHERE v.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY v.kind;
SELECT f.post, COUNT(DISTINCT f.person_id) FROM officer f
 WHERE f.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
   AND (f.term_end IS NULL OR f.term_end >= '{to}')
 GROUP BY f.post;

-- Activities by kind and by programme: count; participants = distinct people
-- on rosters plus, per activity, the head count beyond its roster (all of it
-- without one; docs/statistics.md).
SELECT a.kind, COUNT(*),
       CAST(SUM(CASE WHEN COALESCE(a.head_count, 0)
                          > (SELECT COUNT(*) FROM attendance r WHERE r.activity_id = a.id)
                     THEN COALESCE(a.head_count, 0)
                          - (SELECT COUNT(*) FROM attendance r WHERE r.activity_id = a.id)
                     ELSE 0 END) AS BIGINT)
  FROM activity a
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY a.kind;
SELECT a.kind, COUNT(DISTINCT r.person_key) FROM attendance r JOIN activity a ON a.id = r.activity_id
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY a.kind;
SELECT p.name, COUNT(DISTINCT a.id), COUNT(DISTINCT r.person_key) FROM activity a
  JOIN programme p ON p.id = a.programme_id
  LEFT JOIN attendance r ON r.activity_id = a.id
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY p.name;
-- All participants, and officers / chairs trained (in post on the day).
SELECT COUNT(DISTINCT r.person_key),
       COUNT(DISTINCT CASE WHEN f.id IS NOT NULL THEN r.person_key END),
       COUNT(DISTINCT CASE WHEN f.post = 'chair' THEN r.person_key END)
  FROM attendance r JOIN activity a ON a.id = r.activity_id
  LEFT JOIN officer f ON f.person_id = r.person_id
       AND (f.term_start IS NULL OR f.term_start <= a.start_date)
       AND (f.term_end IS NULL OR f.term_end >= a.start_date)
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'));
-- Materials and works.
SELECT m.name, CAST(SUM(m.quantity) AS BIGINT) FROM activity_material m JOIN activity a ON a.id = m.activity_id
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY m.name;
SELECT w.category, COUNT(*) FROM work w JOIN activity a ON a.id = w.activity_id
 WHERE a.status = 'done' AND a.start_date BETWEEN '{from}' AND '{to}'
   AND a.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY w.category;
-- Publicity by channel, and reposts by level.
SELECT i.channel, COUNT(*) FROM publicity_item i
 WHERE i.published_on BETWEEN '{from}' AND '{to}'
   AND i.id NOT IN (SELECT k.entity_id FROM cancellation k WHERE k.entity = 'publicity_item')
   AND i.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY i.channel;
SELECT p.level, COUNT(*) FROM repost p JOIN publicity_item i ON i.id = p.item_id
 WHERE i.published_on BETWEEN '{from}' AND '{to}'
   AND i.id NOT IN (SELECT k.entity_id FROM cancellation k WHERE k.entity = 'publicity_item')
   AND i.org_id IN (SELECT h.org_id FROM org_tree_history h WHERE h.path LIKE '{root}%'
                AND h.valid_from <= '{to}' AND (h.valid_to IS NULL OR h.valid_to > '{to}'))
 GROUP BY p.level;
