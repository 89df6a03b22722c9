extension Migrations {
    /// The whole domain: directory, permissions, credentials, apps, keys, audit.
    /// Times are unix seconds (BIGINT) so both engines compare them the same way.
    static let initial = Migration(version: 1, name: "initial") { kind in
        let ddl = DDL(kind: kind)
        return [
            """
            CREATE TABLE companies (
                id \(ddl.id),
                name TEXT NOT NULL,
                is_active BOOLEAN NOT NULL DEFAULT TRUE,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE people (
                id \(ddl.id),
                kind TEXT NOT NULL,
                first_name TEXT NOT NULL,
                last_name TEXT NOT NULL,
                email TEXT NOT NULL UNIQUE,
                job_title TEXT,
                password_hash TEXT,
                is_active BOOLEAN NOT NULL DEFAULT TRUE,
                home_company_id BIGINT REFERENCES companies(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE directory_entries (
                company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
                person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                is_employee BOOLEAN NOT NULL DEFAULT FALSE,
                is_active BOOLEAN NOT NULL DEFAULT TRUE,
                default_permission_template_id BIGINT,
                add_to_new_projects BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (company_id, person_id))
            """,
            """
            CREATE TABLE company_permissions (
                company_id BIGINT NOT NULL,
                person_id BIGINT NOT NULL,
                tool TEXT NOT NULL,
                level TEXT NOT NULL,
                PRIMARY KEY (company_id, person_id, tool),
                FOREIGN KEY (company_id, person_id) REFERENCES directory_entries(company_id, person_id) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE projects (
                id \(ddl.id),
                company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                display_name TEXT NOT NULL,
                project_number TEXT,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                stage TEXT,
                address TEXT,
                city TEXT,
                state_code TEXT,
                country_code TEXT,
                zip TEXT,
                time_zone TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX projects_company ON projects (company_id, id)",
            """
            CREATE TABLE permission_templates (
                id \(ddl.id),
                company_id BIGINT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                project_id BIGINT REFERENCES projects(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE template_levels (
                template_id BIGINT NOT NULL REFERENCES permission_templates(id) ON DELETE CASCADE,
                tool TEXT NOT NULL,
                level TEXT NOT NULL,
                PRIMARY KEY (template_id, tool))
            """,
            """
            CREATE TABLE project_memberships (
                project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                permission_template_id BIGINT REFERENCES permission_templates(id),
                created_at BIGINT NOT NULL,
                PRIMARY KEY (project_id, person_id))
            """,
            "CREATE INDEX memberships_person ON project_memberships (person_id)",
            """
            CREATE TABLE membership_levels (
                project_id BIGINT NOT NULL,
                person_id BIGINT NOT NULL,
                tool TEXT NOT NULL,
                level TEXT NOT NULL,
                PRIMARY KEY (project_id, person_id, tool),
                FOREIGN KEY (project_id, person_id) REFERENCES project_memberships(project_id, person_id) ON DELETE CASCADE)
            """,
            """
            CREATE TABLE clients (
                id \(ddl.id),
                client_id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                generation BIGINT NOT NULL DEFAULT 1,
                is_enabled BOOLEAN NOT NULL DEFAULT TRUE,
                jwks TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE client_secrets (
                id \(ddl.id),
                client_pk BIGINT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
                hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT)
            """,
            "CREATE INDEX client_secrets_client ON client_secrets (client_pk)",
            """
            CREATE TABLE apps (
                id \(ddl.id),
                client_pk BIGINT NOT NULL UNIQUE REFERENCES clients(id),
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE app_versions (
                id \(ddl.id),
                app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                version TEXT NOT NULL,
                version_key TEXT NOT NULL UNIQUE,
                manifest TEXT NOT NULL,
                status TEXT NOT NULL,
                is_dmsa BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (app_id, version))
            """,
            """
            CREATE TABLE service_accounts (
                id \(ddl.id),
                client_pk BIGINT NOT NULL UNIQUE REFERENCES clients(id),
                company_id BIGINT NOT NULL REFERENCES companies(id),
                name TEXT NOT NULL,
                app_type TEXT NOT NULL,
                app_id BIGINT REFERENCES apps(id),
                contact_id BIGINT NOT NULL REFERENCES people(id),
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE installations (
                id \(ddl.id),
                app_id BIGINT NOT NULL REFERENCES apps(id),
                company_id BIGINT NOT NULL REFERENCES companies(id),
                app_version_id BIGINT NOT NULL REFERENCES app_versions(id),
                contact_id BIGINT NOT NULL REFERENCES people(id),
                is_active BOOLEAN NOT NULL DEFAULT TRUE,
                created_at BIGINT NOT NULL,
                uninstalled_at BIGINT)
            """,
            "CREATE INDEX installations_app_company ON installations (app_id, company_id)",
            """
            CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY,
                sealed_private_key TEXT NOT NULL,
                public_x TEXT NOT NULL,
                public_y TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                activates_at BIGINT NOT NULL,
                retired_at BIGINT)
            """,
            """
            CREATE TABLE revoked_tokens (
                jti TEXT PRIMARY KEY,
                expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE used_assertions (
                jti TEXT PRIMARY KEY,
                expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE admin_tokens (
                id \(ddl.id),
                name TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE rfis (
                id \(ddl.id),
                project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                number BIGINT NOT NULL,
                subject TEXT NOT NULL,
                question_body TEXT NOT NULL,
                status TEXT NOT NULL,
                rfi_manager_id BIGINT REFERENCES people(id),
                created_by_id BIGINT NOT NULL REFERENCES people(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE audit_log (
                id \(ddl.id),
                at BIGINT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                outcome TEXT NOT NULL,
                detail TEXT,
                remote_address TEXT,
                request_id TEXT)
            """,
            "CREATE INDEX audit_log_at ON audit_log (at)",
        ]
    }
}
