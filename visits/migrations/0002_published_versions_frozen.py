"""On PostgreSQL, the database itself refuses changes to the questions of a published instrument version
(the model and service refuse too; this also holds for raw SQL and bulk updates). Other databases rely on
the model guard. TRUNCATE (test flush) does not fire row triggers."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION visits_refuse_published_change() RETURNS trigger AS $$
DECLARE vid bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN vid := OLD.version_id; ELSE vid := NEW.version_id; END IF;
    IF EXISTS (SELECT 1 FROM visits_instrumentversion WHERE id = vid AND status <> 'draft')
       OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM visits_instrumentversion
                                        WHERE id = OLD.version_id AND status <> 'draft')) THEN
        RAISE EXCEPTION 'instrument version % is published and cannot be changed', vid
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER visits_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON visits_item
    FOR EACH ROW EXECUTE FUNCTION visits_refuse_published_change();
CREATE TRIGGER visits_section_frozen BEFORE INSERT OR UPDATE OR DELETE ON visits_section
    FOR EACH ROW EXECUTE FUNCTION visits_refuse_published_change();

CREATE OR REPLACE FUNCTION visits_refuse_unpublish() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION 'instrument version % is published and cannot go back to draft', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER visits_version_no_unpublish BEFORE UPDATE ON visits_instrumentversion
    FOR EACH ROW EXECUTE FUNCTION visits_refuse_unpublish();
"""

DROP = """
DROP TRIGGER IF EXISTS visits_item_frozen ON visits_item;
DROP TRIGGER IF EXISTS visits_section_frozen ON visits_section;
DROP TRIGGER IF EXISTS visits_version_no_unpublish ON visits_instrumentversion;
DROP FUNCTION IF EXISTS visits_refuse_published_change();
DROP FUNCTION IF EXISTS visits_refuse_unpublish();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
