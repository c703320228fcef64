-- Live updates across processes and machines. On PostgreSQL every write to a table the desktop app
-- shows notifies channel `sluice_change` with the table's name (row triggers, so a statement that
-- changes nothing notifies nobody; PostgreSQL folds identical payloads of one transaction into one
-- notification, delivered at commit), whichever program wrote it: the app, sluicectl, an agent.
-- SQLite has no such channel; readers there watch PRAGMA data_version (models/store/changewatcher.h).
-- postgres:begin
CREATE FUNCTION sluice_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sluice_change', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER org_changed AFTER INSERT OR UPDATE OR DELETE ON org FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER org_task_changed AFTER INSERT OR UPDATE OR DELETE ON org_task FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER pipeline_changed AFTER INSERT OR UPDATE OR DELETE ON pipeline FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER pipeline_task_changed AFTER INSERT OR UPDATE OR DELETE ON pipeline_task FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER run_changed AFTER INSERT OR UPDATE OR DELETE ON run FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER task_run_changed AFTER INSERT OR UPDATE OR DELETE ON task_run FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER lock_lease_changed AFTER INSERT OR UPDATE OR DELETE ON lock_lease FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER lock_task_changed AFTER INSERT OR UPDATE OR DELETE ON lock_task FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER dbt_workspace_changed AFTER INSERT OR UPDATE OR DELETE ON dbt_workspace FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER warehouse_changed AFTER INSERT OR UPDATE OR DELETE ON warehouse FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER airbyte_server_changed AFTER INSERT OR UPDATE OR DELETE ON airbyte_server FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER agent_changed AFTER INSERT OR UPDATE OR DELETE ON agent FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
CREATE TRIGGER notification_channel_changed AFTER INSERT OR UPDATE OR DELETE ON notification_channel FOR EACH ROW EXECUTE FUNCTION sluice_notify_change();
-- postgres:end
